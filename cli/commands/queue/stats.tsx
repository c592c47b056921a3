import type { Command } from "commander";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { AdmissionMode, GetQueueStatsResponseSchema, type GetQueueStatsResponse } from "../../../gen/concert/v1/admin_pb.js";
import type { QueueSnapshot, QueueStatsView } from "../../components/queue-dashboard.js";
import { renderResult } from "../../components/render-result.js";
import type { AdminApi } from "../../services/admin-api.js";
import { describe } from "../../services/cli-error.js";
import { withServerOptions } from "../../services/connection-options.js";
import { interval, positiveId } from "../../services/flag-parsers.js";
import { detailLines, isInteractive, num, printJson, protoJson, type Pairs } from "../../services/output.js";
import { untilStopped } from "../../services/stop-signal.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

const HEAD_SIZE = 5;

const view = (r: GetQueueStatsResponse): QueueStatsView => ({
  waiting: Number(r.waiting),
  active: Number(r.active),
  maxActive: r.maxActive,
  admittedTotal: Number(r.admittedTotal),
  ratePerSecond: r.admissionRatePerSecond,
});

const modeOf = (r: GetQueueStatsResponse) => (r.mode === AdmissionMode.AUTO ? "auto" : "manual");

/** Why fewer slots than max_active are in force, if they are. */
const slotsNote = (r: GetQueueStatsResponse) =>
  r.maxActive === 0 ? " (admission paused)"
    : r.soldOut ? " (sold out: the line has ended)"
      : r.effectiveMaxActive < r.maxActive ? (r.seatsFree === 0n ? " (no free seat: nobody new is admitted)" : ` (auto: ${r.effectiveMaxActive} slots for the free seats)`) : "";

const pairs = (r: GetQueueStatsResponse): Pairs => [
  ["waiting", num(r.waiting)],
  ["active", `${num(r.active)} / ${num(r.effectiveMaxActive)}${r.effectiveMaxActive !== r.maxActive ? ` of max ${num(r.maxActive)}` : ""}${slotsNote(r)}`],
  ["mode", modeOf(r)],
  ["seats", `${num(r.seatsFree)} free, ${num(r.seatsHeld)} held, ${num(r.seatsSold)} sold`],
  ["seats per fan", r.seatsPerAdmittedFan > 0 ? r.seatsPerAdmittedFan.toFixed(2) : "— (no sale yet)"],
  ["admitted", num(r.admittedTotal)],
  ["rate", `${r.admissionRatePerSecond.toFixed(2)}/s`],
];

const statsLine = (r: GetQueueStatsResponse, at: Date) =>
  `${at.toISOString()}  waiting=${r.waiting}  active=${r.active}/${r.effectiveMaxActive}  max=${r.maxActive}  mode=${modeOf(r)}  free=${r.seatsFree}  held=${r.seatsHeld}  sold=${r.seatsSold}${r.soldOut ? "  SOLD_OUT" : ""}  admitted=${r.admittedTotal}  rate=${r.admissionRatePerSecond.toFixed(2)}/s`;

/** --watch for pipes and --json: one line per refresh until Ctrl-C; after the first answer, failures are reported and retried. */
async function watchLines(api: AdminApi, concertId: bigint, ms: number, json: boolean): Promise<void> {
  let first = true;
  await untilStopped(async (stopped) => {
    while (!stopped()) {
      try {
        const r = await api.getQueueStats(concertId);
        const at = new Date();
        if (json) printJson({ at: at.toISOString(), ...(protoJson(GetQueueStatsResponseSchema, r) as object) });
        else process.stdout.write(`${statsLine(r, at)}\n`);
        first = false;
      } catch (e) {
        if (first) throw e;
        process.stderr.write(`concert-admin: ${describe(e).line} (retrying)\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  });
}

async function watchDashboard(api: AdminApi, concertId: bigint, ms: number): Promise<void> {
  // The title is a nicety: a failure here surfaces on the first poll with a proper message.
  const title = await api.getConcert(concertId).then((r) => r.concert?.title, () => undefined);
  const poll = async (): Promise<QueueSnapshot> => {
    const [stats, line] = await Promise.all([api.getQueueStats(concertId), api.listQueue(concertId, 0, HEAD_SIZE)]);
    return {
      at: Date.now(),
      stats: view(stats),
      head: line.entries.map((e) => ({ userId: e.userId.toString(), position: Number(e.position), enteredAt: e.enteredAt ? timestampDate(e.enteredAt) : undefined })),
    };
  };
  const { render, QueueStatsLive } = await import("../../components/ui.js");
  const app = render(<QueueStatsLive concertId={concertId.toString()} title={title} poll={poll} intervalMs={ms} />, { patchConsole: false });
  await untilStopped(() => app.waitUntilExit(), () => app.unmount());
}

export function register(parent: Command): void {
  const cmd = parent
    .command("stats")
    .description("a concert's waiting room: waiting, active / max_active, admitted, admission rate")
    .argument("<concertId>", "concert id", positiveId)
    .option("-w, --watch", "keep refreshing: a live dashboard at a terminal, one line per refresh otherwise")
    .option("--interval <seconds>", "seconds between refreshes with --watch", interval, 1000);
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin queue stats 12", "concert-admin queue stats 12 --watch", "concert-admin queue stats 12 --watch --json | jq .waiting");
  cmd.action(async (concertId: bigint, opts: { watch?: boolean; interval: number; json?: boolean }, command: Command) => {
    const api = apiFor(command);
    if (opts.watch) {
      if (opts.json || !isInteractive()) return watchLines(api, concertId, opts.interval, !!opts.json);
      return watchDashboard(api, concertId, opts.interval);
    }
    await renderResult(!!opts.json, () => api.getQueueStats(concertId), {
      label: `loading queue stats of concert ${concertId}`,
      json: (r) => protoJson(GetQueueStatsResponseSchema, r),
      plain: (r) => detailLines(pairs(r)),
      view: (r, { Details }) => <Details pairs={pairs(r)} />,
    });
  });
}
