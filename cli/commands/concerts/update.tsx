import type { Command } from "commander";
import { ConcertSchema } from "../../../gen/concert/v1/concert_pb.js";
import { renderResult } from "../../components/render-result.js";
import { usageError } from "../../services/cli-error.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId } from "../../services/flag-parsers.js";
import { detailLines, protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";
import { concertPairs } from "./concert-views.js";

export function register(parent: Command): void {
  const cmd = parent
    .command("update")
    .description("change a concert's fields; only the flags given change (admin)")
    .argument("<concertId>", "concert id", positiveId)
    .option("--title <text>", "new title, 1-200 characters")
    .option("--artist <text>", "new artist, 1-200 characters")
    .option("--venue <text>", "new venue, 1-200 characters")
    .option("--description <text>", "new description, up to 5000 characters");
  withJson(withServerOptions(cmd));
  examples(cmd, 'concert-admin concerts update 12 --venue "Olympic Hall"', 'concert-admin concerts update 12 --description ""');
  cmd.action(
    async (concertId: bigint, opts: { title?: string; artist?: string; venue?: string; description?: string; json?: boolean }, command: Command) => {
      const { title, artist, venue, description } = opts;
      if ([title, artist, venue, description].every((v) => v === undefined)) {
        throw usageError("nothing to change: give at least one of --title, --artist, --venue, --description");
      }
      const api = apiFor(command);
      const load = async () => (await api.updateConcert({ concertId, title, artist, venue, description })).concert!;
      await renderResult(!!opts.json, load, {
        label: `updating concert ${concertId}`,
        json: (c) => protoJson(ConcertSchema, c),
        plain: (c) => [`updated concert ${c.id}`, ...detailLines(concertPairs(c))],
        view: (c, { Details }) => <Details headline={`✔ updated concert ${c.id}`} pairs={concertPairs(c)} />,
      });
    },
  );
}
