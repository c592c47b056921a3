import type { Command } from "commander";
import { renderResult } from "../../components/render-result.js";
import { usageError } from "../../services/cli-error.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId } from "../../services/flag-parsers.js";
import { apiFor, examples, withJson } from "../command-helpers.js";
import { outboxTopic } from "./outbox-views.js";

const collectIds = (raw: string, previous: bigint[] = []) => [...previous, positiveId(raw)];

/** replay and skip take the same selection (ids, or --all [--topic]) and answer the same shape. */
export function registerChange(parent: Command, verb: "replay" | "skip", description: string, after: string): void {
  const cmd = parent
    .command(verb)
    .description(description)
    .argument("[ids...]", "outbox ids from `concert-admin outbox list`")
    .option("--all", "every dead event (up to 1000 per run, oldest first)")
    .option("--topic <topic>", "with --all: only reservation-events or payment-events", outboxTopic);
  withJson(withServerOptions(cmd));
  examples(cmd, `concert-admin outbox ${verb} 1042 1043`, `concert-admin outbox ${verb} --all --topic payment-events`);
  cmd.action(async (rawIds: string[], opts: { all?: boolean; topic?: string; json?: boolean }, command: Command) => {
    const ids = rawIds.reduce<bigint[]>((acc, raw) => {
      try {
        return collectIds(raw, acc);
      } catch {
        throw usageError(`outbox ${verb}: "${raw}" is not an outbox id (a positive whole number from \`concert-admin outbox list\`)`);
      }
    }, []);
    if (!!opts.all === ids.length > 0) throw usageError(`outbox ${verb}: name the dead events by id, or pass --all, but not both`);
    if (opts.topic && !opts.all) throw usageError(`outbox ${verb}: --topic only applies with --all`);
    const api = apiFor(command);
    const req = { ids, all: !!opts.all, topic: opts.topic ?? "" };
    const call = async (): Promise<{ ids: bigint[]; remaining: bigint }> => (verb === "replay" ? api.replayDeadEvents(req) : api.skipDeadEvents(req));
    const sentence = (r: { ids: bigint[]; remaining: bigint }) => {
      if (r.ids.length === 0) return `no dead events to ${verb}`;
      const done = `${verb === "replay" ? "replayed" : "skipped"} ${r.ids.length} dead event(s): ${r.ids.join(", ")}; ${after}`;
      return r.remaining > 0n ? `${done}; ${r.remaining} more dead, run again` : done;
    };
    await renderResult(!!opts.json, call, {
      label: `${verb === "replay" ? "replaying" : "skipping"} dead events`,
      // The protobuf JSON of either response (same fields): int64 as strings, zero values kept.
      json: (r) => ({ ids: r.ids.map(String), remaining: String(r.remaining) }),
      plain: (r) => [sentence(r)],
      view: (r, { Text }) => <Text color="green">✔ {sentence(r)}</Text>,
    });
  });
}
