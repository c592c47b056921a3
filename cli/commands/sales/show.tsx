import type { Command } from "commander";
import { GetSalesStatsResponseSchema, type GetSalesStatsResponse } from "../../../gen/concert/v1/admin_pb.js";
import { renderResult } from "../../components/render-result.js";
import type { Column } from "../../components/table-layout.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId } from "../../services/flag-parsers.js";
import { krw, num, plainTable, protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

const columns: Column[] = [
  { header: "schedule", align: "right" },
  { header: "held", align: "right" },
  { header: "sold", align: "right" },
  { header: "revenue", align: "right" },
];

/** Per-schedule rows and a total row, so the table adds up on its own. */
const rows = (r: GetSalesStatsResponse) => [
  ...r.schedules.map((s) => [s.scheduleId.toString(), num(s.held), num(s.sold), krw(s.revenue)]),
  ["total", num(r.held), num(r.sold), krw(r.revenue)],
];

/** `sales <concertId>`: GetSalesStats as a table (a projection of the Kafka events, so it trails the database by moments). */
export function register(program: Command): void {
  const cmd = program.command("sales").description("held, sold and revenue per schedule of a concert (admin)").argument("<concertId>", "concert id", positiveId);
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin sales 12", "concert-admin sales 12 --json | jq -r .revenue");
  cmd.action(async (concertId: bigint, opts: { json?: boolean }, command: Command) => {
    const api = apiFor(command);
    await renderResult(!!opts.json, () => api.getSalesStats(concertId), {
      label: `loading sales of concert ${concertId}`,
      json: (r) => protoJson(GetSalesStatsResponseSchema, r),
      plain: (r) => plainTable(columns, rows(r)),
      view: (r, { Box, Table, Text }) => (
        <Box flexDirection="column">
          <Text bold>Sales · concert {concertId.toString()}</Text>
          <Table columns={columns} rows={rows(r)} />
        </Box>
      ),
    });
  });
}
