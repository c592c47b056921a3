import type { Command } from "commander";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { GetWaitingListResponseSchema, type GetWaitingListResponse } from "../../../gen/concert/v1/admin_pb.js";
import { renderResult } from "../../components/render-result.js";
import type { Column } from "../../components/table-layout.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId } from "../../services/flag-parsers.js";
import { num, plainTable, protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

const columns: Column[] = [
  { header: "entry", align: "right" },
  { header: "user", align: "right" },
  { header: "reservation", align: "right" },
  { header: "seats" },
  { header: "offer ends" },
];

const rows = (r: GetWaitingListResponse) =>
  r.offers.map((o) => [
    o.entryId.toString(),
    o.userId.toString(),
    o.reservationId.toString(),
    o.seatNumbers.join(","),
    o.heldUntil ? timestampDate(o.heldUntil).toISOString().replace(/\.\d+Z$/, "Z") : "-",
  ]);

const summary = (r: GetWaitingListResponse) =>
  `schedule ${r.scheduleId}: ${num(r.waiting)} waiting (${num(r.seatsWanted)} seats wanted) · ${r.offers.length} open offer(s) · ` +
  `${num(r.purchased)} purchased · ${num(r.offersExpired)} offer(s) expired`;

/** `waitlist <scheduleId>`: GetWaitingList, the length of a sold-out date's waiting list and its open offers (SPEC 7.3). */
export function register(program: Command): void {
  const cmd = program
    .command("waitlist")
    .description("waiting list of a sold-out schedule: how many wait and the offers open now (admin)")
    .argument("<scheduleId>", "schedule id", positiveId);
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin waitlist 7", "concert-admin waitlist 7 --json | jq -r .waiting");
  cmd.action(async (scheduleId: bigint, opts: { json?: boolean }, command: Command) => {
    const api = apiFor(command);
    await renderResult(!!opts.json, () => api.getWaitingList(scheduleId), {
      label: `reading the waiting list of schedule ${scheduleId}`,
      json: (r) => protoJson(GetWaitingListResponseSchema, r),
      plain: (r) => [summary(r), ...(r.offers.length > 0 ? plainTable(columns, rows(r)) : [])],
      view: (r, { Box, Table, Text }) => (
        <Box flexDirection="column">
          <Text bold>{summary(r)}</Text>
          {r.offers.length > 0 ? <Table columns={columns} rows={rows(r)} /> : null}
        </Box>
      ),
    });
  });
}
