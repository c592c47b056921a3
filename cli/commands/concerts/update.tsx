import type { Command } from "commander";
import { ConcertSchema } from "../../../gen/concert/v1/concert_pb.js";
import { renderResult } from "../../components/render-result.js";
import { usageError } from "../../services/cli-error.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId } from "../../services/flag-parsers.js";
import { detailLines, protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";
import { concertPairs, opensAt } from "./concert-views.js";

export function register(parent: Command): void {
  const cmd = parent
    .command("update")
    .description("change a concert's fields; only the flags given change (admin)")
    .argument("<concertId>", "concert id", positiveId)
    .option("--title <text>", "new title, 1-200 characters")
    .option("--artist <text>", "new artist, 1-200 characters")
    .option("--venue <text>", "new venue, 1-200 characters")
    .option("--description <text>", "new description, up to 5000 characters")
    .option("--opens-at <instant>", "move the opening (ISO 8601 with offset); refused once it has passed")
    .option("--open-now", "remove the opening: sales open now (a waiting pre-queue is drawn at once)");
  withJson(withServerOptions(cmd));
  examples(cmd, 'concert-admin concerts update 12 --venue "Olympic Hall"', 'concert-admin concerts update 12 --description ""');
  cmd.action(
    async (concertId: bigint, opts: { title?: string; artist?: string; venue?: string; description?: string; opensAt?: string; openNow?: boolean; json?: boolean }, command: Command) => {
      const { title, artist, venue, description } = opts;
      if ([title, artist, venue, description, opts.opensAt].every((v) => v === undefined) && !opts.openNow) {
        throw usageError("nothing to change: give at least one of --title, --artist, --venue, --description, --opens-at, --open-now");
      }
      if (opts.opensAt !== undefined && opts.openNow) throw usageError("give --opens-at or --open-now, not both");
      const salesOpenAt = opts.opensAt === undefined ? undefined : opensAt(opts.opensAt);
      const api = apiFor(command);
      const load = async () => (await api.updateConcert({ concertId, title, artist, venue, description, salesOpenAt, clearSalesOpenAt: !!opts.openNow })).concert!;
      await renderResult(!!opts.json, load, {
        label: `updating concert ${concertId}`,
        json: (c) => protoJson(ConcertSchema, c),
        plain: (c) => [`updated concert ${c.id}`, ...detailLines(concertPairs(c))],
        view: (c, { Details }) => <Details headline={`✔ updated concert ${c.id}`} pairs={concertPairs(c)} />,
      });
    },
  );
}
