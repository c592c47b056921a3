import type { Command } from "commander";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { GetDrawResponse } from "../../../gen/concert/v1/concert_pb.js";
import { verifyDraw, type DrawCheck } from "../../../server/queue/draw.js";
import { renderResult } from "../../components/render-result.js";
import { CliError, usageError } from "../../services/cli-error.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId } from "../../services/flag-parsers.js";
import { detailLines, type Pairs } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

interface Opts {
  json?: boolean;
  user?: string;
  nonce?: string;
  commitment?: string;
}

interface Report {
  concertId: string;
  draw: GetDrawResponse;
  check: DrawCheck;
  ok: boolean;
}

const pairs = (r: Report): Pairs => {
  const out: Pairs = [
    ["concert", r.concertId],
    ["commitment", `${r.draw.fairnessCommitment}  ${r.check.commitmentOk ? "matches sha256(seed)" : "MISMATCH"}`],
    ["seed", r.draw.seed || "— (not revealed: the draw has not run)"],
    ["opened", r.draw.salesOpenAt ? timestampDate(r.draw.salesOpenAt).toISOString() : "—"],
    ["drawn", r.draw.drawnAt ? timestampDate(r.draw.drawnAt).toISOString() : "—"],
    ["entrants", String(r.draw.drawKeys.length)],
    ["order", r.check.orderOk ? "ascending draw keys" : "NOT ascending"],
  ];
  if (r.check.fan) {
    out.push(["your key", r.check.fan.drawKey]);
    out.push(["your place", r.check.fan.position > 0 ? `${r.check.fan.position} of ${r.draw.drawKeys.length}` : "NOT FOUND"]);
  }
  out.push(["verdict", r.ok ? "verified" : `FAILED: ${r.check.problems.join("; ")}`]);
  return out;
};

export function register(parent: Command): void {
  const cmd = parent
    .command("verify")
    .description("check a concert's draw from public data alone: sha256(seed) = the published commitment, the keys' order, and a fan's place")
    .argument("<concertId>", "concert id", positiveId)
    .option("--user <id>", "your user id (with --nonce: recompute your draw key and find your place)")
    .option("--nonce <hex>", "the draw_nonce your QueueTicket carried (32 lowercase hex characters)")
    .option("--commitment <hex>", "the fairness_commitment you recorded before the opening (must be the published one)");
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin draw verify 12", "concert-admin draw verify 12 --user 7 --nonce 0123456789abcdef0123456789abcdef", "concert-admin draw verify 12 --json | jq .ok");
  cmd.action(async (concertId: bigint, opts: Opts, command: Command) => {
    if ((opts.user === undefined) !== (opts.nonce === undefined)) throw usageError("--user and --nonce go together: pass both to check your place");
    if (opts.user !== undefined && !/^[1-9][0-9]{0,18}$/.test(opts.user)) throw usageError(`--user must be a positive decimal user id, got "${opts.user}"`);
    if (opts.nonce !== undefined && !/^[0-9a-f]{32}$/.test(opts.nonce)) throw usageError("--nonce must be 32 lowercase hex characters (the draw_nonce of your QueueTicket)");
    if (opts.commitment !== undefined && !/^[0-9a-f]{64}$/.test(opts.commitment)) throw usageError("--commitment must be 64 lowercase hex characters");
    const api = apiFor(command);
    let report: Report | undefined;
    await renderResult(!!opts.json, async () => {
      const draw = await api.getDraw(concertId);
      const check = verifyDraw(draw, { userId: opts.user, nonce: opts.nonce, expectedCommitment: opts.commitment });
      const ok = check.problems.length === 0;
      return (report = { concertId: concertId.toString(), draw, check, ok });
    }, {
      label: `checking the draw of concert ${concertId}`,
      json: (r) => ({
        concertId: r.concertId,
        ok: r.ok,
        fairnessCommitment: r.draw.fairnessCommitment,
        seed: r.draw.seed,
        entrants: r.draw.drawKeys.length,
        commitmentOk: r.check.commitmentOk,
        orderOk: r.check.orderOk,
        ...(r.check.fan ? { drawKey: r.check.fan.drawKey, position: r.check.fan.position } : {}),
        problems: r.check.problems,
      }),
      plain: (r) => detailLines(pairs(r)),
      view: (r, { Details }) => <Details pairs={pairs(r)} />,
    });
    if (report && !report.ok) throw new CliError(`the draw of concert ${concertId} does not verify: ${report.check.problems.join("; ")}`);
  });
}
