import type { Command } from "commander";
import { AdmissionMode, SetQueuePolicyResponseSchema } from "../../../gen/concert/v1/admin_pb.js";
import { usageError } from "../../services/cli-error.js";
import { renderResult } from "../../components/render-result.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId, wholeNumber } from "../../services/flag-parsers.js";
import { protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

const sentence = (concertId: bigint, max: number, mode = AdmissionMode.MANUAL) =>
  max === 0
    ? `concert ${concertId}: admission paused (max_active 0); everyone waits until you raise it`
    : mode === AdmissionMode.AUTO
      ? `concert ${concertId}: AUTO, as many fans active as the free seats need, at most ${max}`
      : `concert ${concertId}: at most ${max} fans active at once`;

const MODES: Record<string, AdmissionMode> = { manual: AdmissionMode.MANUAL, auto: AdmissionMode.AUTO };

export function register(parent: Command): void {
  const cmd = parent
    .command("policy")
    .description("set how many fans of a concert may be ACTIVE at once; 0 pauses admission, e.g. before a sale opens (admin)")
    .argument("<concertId>", "concert id", positiveId)
    .requiredOption("--max-active <n>", "most fans active at once (0-100000)", wholeNumber(0, 100_000))
    .option("--mode <mode>", "manual (max_active as set) or auto (slots sized from the free seats, at most max_active)", "manual");
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin queue policy 12 --max-active 0      # hold everyone before the sale", "concert-admin queue policy 12 --max-active 200    # open the sale",
    "concert-admin queue policy 12 --max-active 500 --mode auto   # slots follow the free seats");
  cmd.action(async (concertId: bigint, opts: { maxActive: number; mode: string; json?: boolean }, command: Command) => {
    const mode = MODES[opts.mode];
    if (mode === undefined) throw usageError(`--mode must be manual or auto, got "${opts.mode}"`);
    const api = apiFor(command);
    await renderResult(!!opts.json, () => api.setQueuePolicy(concertId, opts.maxActive, mode), {
      label: "setting the queue policy",
      json: (r) => protoJson(SetQueuePolicyResponseSchema, r),
      plain: (r) => [sentence(concertId, r.maxActive, r.mode)],
      view: (r, { Text }) => <Text color="green">✔ {sentence(concertId, r.maxActive, r.mode)}</Text>,
    });
  });
}
