import type { Command } from "commander";
import { ReconcileSeatsResponseSchema, SeatDriftKind, type ReconcileSeatsResponse, type SeatDrift } from "../../../gen/concert/v1/admin_pb.js";
import { renderResult } from "../../components/render-result.js";
import type { Column } from "../../components/table-layout.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId } from "../../services/flag-parsers.js";
import { plainTable, protoJson } from "../../services/output.js";
import { CliError } from "../../services/cli-error.js";
import { ExitCode } from "../../services/exit-codes.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

const columns: Column[] = [
  { header: "seat", align: "right" },
  { header: "kind" },
  { header: "mysql" },
  { header: "redis" },
  { header: "detail" },
];

const rows = (drifts: SeatDrift[]) => drifts.map((d) => [String(d.seatNumber), SeatDriftKind[d.kind], d.mysqlStatus || "-", d.redisStatus || "-", d.detail]);

function summary(scheduleId: bigint, repair: boolean, r: ReconcileSeatsResponse): string {
  const partial = r.orphanScanIncomplete ? " (the scan for hold keys of unknown seats stopped at its bound)" : "";
  return verdict(scheduleId, repair, r) + partial;
}

function verdict(scheduleId: bigint, repair: boolean, r: ReconcileSeatsResponse): string {
  if (r.drifts.length === 0) return `schedule ${scheduleId}: Redis agrees with the database`;
  const found = `schedule ${scheduleId}: ${r.drifts.length} difference(s) between Redis and the database`;
  if (!repair) return `${found}; run again with --repair to rewrite Redis from the database`;
  return r.repaired ? `${found}; repaired, a second check found none` : `${found}; ${r.remaining.length} still differ after the repair`;
}

const lines = (scheduleId: bigint, repair: boolean, r: ReconcileSeatsResponse) => [
  summary(scheduleId, repair, r),
  ...(r.drifts.length > 0 ? plainTable(columns, rows(r.drifts)) : []),
];

/** `reconcile <scheduleId> [--repair]`: ReconcileSeats, the drift between Redis seat state and MySQL (SPEC 7.4). */
export function register(program: Command): void {
  const cmd = program
    .command("reconcile")
    .description("report (and with --repair fix from MySQL) every difference between Redis seat state and MySQL for a schedule (admin)")
    .argument("<scheduleId>", "schedule id", positiveId)
    .option("--repair", "rewrite Redis from the database for the seats that differ, then check again");
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin reconcile 7", "concert-admin reconcile 7 --repair", "concert-admin reconcile 7 --json | jq '.drifts | length'");
  cmd.addHelpText("after", "\nExit code 6 when Redis differs from the database (without --repair, or still after it); 0 when they agree.\n");
  cmd.action(async (scheduleId: bigint, opts: { repair?: boolean; json?: boolean }, command: Command) => {
    const api = apiFor(command);
    const repair = !!opts.repair;
    let result: ReconcileSeatsResponse | undefined;
    const load = async () => (result = await api.reconcileSeats(scheduleId, repair));
    await renderResult(!!opts.json, load, {
      label: `${repair ? "repairing" : "checking"} seats of schedule ${scheduleId}`,
      json: (r) => protoJson(ReconcileSeatsResponseSchema, r),
      plain: (r) => lines(scheduleId, repair, r),
      view: (r, { Box, Table, Text }) => (
        <Box flexDirection="column">
          <Text bold>{summary(scheduleId, repair, r)}</Text>
          {r.drifts.length > 0 ? <Table columns={columns} rows={rows(r.drifts)} /> : null}
        </Box>
      ),
    });
    // Scripts (cron, CI) can act on drift without parsing the report: exit 6, the report already on stdout.
    const left = result ? (repair ? result.remaining.length : result.drifts.length) : 0;
    if (left > 0) {
      throw new CliError(
        repair ? `schedule ${scheduleId}: ${left} difference(s) remain after the repair` : `schedule ${scheduleId}: Redis differs from the database; run again with --repair`,
        ExitCode.drift,
      );
    }
  });
}
