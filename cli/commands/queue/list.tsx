import type { Command } from "commander";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ListQueueResponseSchema, type ListQueueResponse } from "../../../gen/concert/v1/admin_pb.js";
import { renderResult } from "../../components/render-result.js";
import type { Column } from "../../components/table-layout.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId, wholeNumber } from "../../services/flag-parsers.js";
import { humanDuration, plainTable, protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

const columns: Column[] = [
  { header: "pos", align: "right" },
  { header: "user", align: "right" },
  { header: "entered at" },
  { header: "waiting for", align: "right" },
];

const rows = (r: ListQueueResponse, now: number) =>
  r.entries.map((e) => {
    const at = e.enteredAt ? timestampDate(e.enteredAt) : undefined;
    return [e.position.toString(), e.userId.toString(), at?.toISOString() ?? "?", at ? humanDuration(now - at.getTime()) : "?"];
  });

export function register(parent: Command): void {
  const cmd = parent
    .command("list")
    .description("the waiting fans from the head of the line")
    .argument("<concertId>", "concert id", positiveId)
    .option("--offset <n>", "skip this many from the head", wholeNumber(0, 2_000_000_000), 0)
    .option("--limit <n>", "how many to show (1-1000)", wholeNumber(1, 1000), 50);
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin queue list 12", "concert-admin queue list 12 --offset 100 --limit 20 --json");
  cmd.action(async (concertId: bigint, opts: { offset: number; limit: number; json?: boolean }, command: Command) => {
    const api = apiFor(command);
    await renderResult(!!opts.json, () => api.listQueue(concertId, opts.offset, opts.limit), {
      label: `loading the queue of concert ${concertId}`,
      json: (r) => protoJson(ListQueueResponseSchema, r),
      plain: (r) => plainTable(columns, rows(r, Date.now())),
      view: (r, { Table }) => <Table columns={columns} rows={rows(r, Date.now())} empty="nobody is waiting" />,
    });
  });
}
