import type { Command } from "commander";
import { registerChange } from "./change-dead-events.js";

/** `outbox skip <id...> | --all`: SkipDeadEvents. */
export function register(parent: Command): void {
  registerChange(
    parent,
    "skip",
    "give up on dead outbox events: they are never sent and the events of their key waiting behind them go on (admin)",
    "they will never be sent; the events waiting behind them go on",
  );
}
