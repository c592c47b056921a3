import type { Command } from "commander";
import { ListDeadEventsResponseSchema, type ListDeadEventsResponse } from "../../../gen/concert/v1/admin_pb.js";
import { renderResult } from "../../components/render-result.js";
import { withServerOptions } from "../../services/connection-options.js";
import { wholeNumber } from "../../services/flag-parsers.js";
import { plainTable, protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";
import { deadColumns, deadRows, outboxTopic } from "./outbox-views.js";

function summary(r: ListDeadEventsResponse): string {
  if (r.totalDead === 0n) return "no dead events: the relay is sending everything";
  const more = r.nextAfterId > 0n ? `; more with --after ${r.nextAfterId}` : "";
  return `${r.totalDead} dead event(s) wait for you: fix the cause, then \`concert-admin outbox replay <id>\`, or give up with \`outbox skip <id>\`${more}`;
}

/** `outbox list`: ListDeadEvents, oldest first. */
export function register(parent: Command): void {
  const cmd = parent
    .command("list")
    .description("outbox events Kafka refused OUTBOX_MAX_ATTEMPTS times, oldest first, with the events of their key waiting behind them (admin)")
    .option("--topic <topic>", "only reservation-events or payment-events", outboxTopic)
    .option("--limit <n>", "how many to show (1-1000)", wholeNumber(1, 1000), 100)
    .option("--after <id>", "start after this outbox id (paging)", wholeNumber(0, Number.MAX_SAFE_INTEGER), 0)
    .option("--include-skipped", "also show events skipped earlier (until the retention purges them)");
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin outbox list", "concert-admin outbox list --topic payment-events --json | jq '.events[].id'");
  cmd.action(async (opts: { topic?: string; limit: number; after: number; includeSkipped?: boolean; json?: boolean }, command: Command) => {
    const api = apiFor(command);
    const load = () => api.listDeadEvents({ topic: opts.topic ?? "", limit: opts.limit, afterId: BigInt(opts.after), includeSkipped: !!opts.includeSkipped });
    await renderResult(!!opts.json, load, {
      label: "loading dead outbox events",
      json: (r) => protoJson(ListDeadEventsResponseSchema, r),
      plain: (r) => [summary(r), ...(r.events.length > 0 ? plainTable(deadColumns, deadRows(r.events, Date.now())) : [])],
      view: (r, { Box, Table, Text }) => (
        <Box flexDirection="column">
          <Text bold color={r.totalDead === 0n ? "green" : "red"}>{summary(r)}</Text>
          {r.events.length > 0 ? <Table columns={deadColumns} rows={deadRows(r.events, Date.now())} /> : null}
        </Box>
      ),
    });
  });
}
