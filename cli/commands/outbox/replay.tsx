import type { Command } from "commander";
import { registerChange } from "./change-dead-events.js";

/** `outbox replay <id...> | --all`: ReplayDeadEvents. */
export function register(parent: Command): void {
  registerChange(
    parent,
    "replay",
    "put dead outbox events back in line once their cause is fixed: each is sent before the events of its key that waited behind it (admin)",
    "the relay sends them, then the events waiting behind them, as soon as Kafka accepts them",
  );
}
