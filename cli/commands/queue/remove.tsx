import type { Command } from "commander";
import { renderResult } from "../../components/render-result.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId } from "../../services/flag-parsers.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

export function register(parent: Command): void {
  const cmd = parent
    .command("remove")
    .description("take a user out of a concert's line or out of their active slot (admin)")
    .argument("<concertId>", "concert id", positiveId)
    .argument("<userId>", "user id", positiveId);
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin queue remove 12 1001");
  cmd.action(async (concertId: bigint, userId: bigint, opts: { json?: boolean }, command: Command) => {
    const api = apiFor(command);
    const sentence = `removed user ${userId} from the queue of concert ${concertId}`;
    await renderResult(!!opts.json, () => api.removeFromQueue(concertId, userId), {
      label: "removing",
      json: () => ({ concertId: concertId.toString(), userId: userId.toString(), removed: true }),
      plain: () => [sentence],
      view: (_, { Text }) => <Text color="green">✔ {sentence}</Text>,
    });
  });
}
