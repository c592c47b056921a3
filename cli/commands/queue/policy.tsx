import type { Command } from "commander";
import { SetQueuePolicyResponseSchema } from "../../../gen/concert/v1/admin_pb.js";
import { renderResult } from "../../components/render-result.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId, wholeNumber } from "../../services/flag-parsers.js";
import { protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

const sentence = (concertId: bigint, max: number) =>
  max === 0
    ? `concert ${concertId}: admission paused (max_active 0); everyone waits until you raise it`
    : `concert ${concertId}: at most ${max} fans active at once`;

export function register(parent: Command): void {
  const cmd = parent
    .command("policy")
    .description("set how many fans of a concert may be ACTIVE at once; 0 pauses admission, e.g. before a sale opens (admin)")
    .argument("<concertId>", "concert id", positiveId)
    .requiredOption("--max-active <n>", "most fans active at once (0-100000)", wholeNumber(0, 100_000));
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin queue policy 12 --max-active 0      # hold everyone before the sale", "concert-admin queue policy 12 --max-active 200    # open the sale");
  cmd.action(async (concertId: bigint, opts: { maxActive: number; json?: boolean }, command: Command) => {
    const api = apiFor(command);
    await renderResult(!!opts.json, () => api.setQueuePolicy(concertId, opts.maxActive), {
      label: "setting the queue policy",
      json: (r) => protoJson(SetQueuePolicyResponseSchema, r),
      plain: (r) => [sentence(concertId, r.maxActive)],
      view: (r, { Text }) => <Text color="green">✔ {sentence(concertId, r.maxActive)}</Text>,
    });
  });
}
