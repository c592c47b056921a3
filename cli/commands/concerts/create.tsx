import type { Command } from "commander";
import { ConcertSchema } from "../../../gen/concert/v1/concert_pb.js";
import { renderResult } from "../../components/render-result.js";
import { withServerOptions } from "../../services/connection-options.js";
import { detailLines, protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";
import { concertPairs, opensAt } from "./concert-views.js";

export function register(parent: Command): void {
  const cmd = parent
    .command("create")
    .description("add a concert to the catalogue (admin)")
    .requiredOption("--title <text>", "title, 1-200 characters")
    .requiredOption("--artist <text>", "artist, 1-200 characters")
    .requiredOption("--venue <text>", "venue, 1-200 characters")
    .option("--description <text>", "free text for fans, up to 5000 characters", "")
    .option("--opens-at <instant>", "when sales open (ISO 8601 with offset); fans who come before are drawn at this instant");
  withJson(withServerOptions(cmd));
  examples(
    cmd,
    'concert-admin concerts create --title "IU 2026 Seoul" --artist IU --venue "KSPO Dome"',
    'id=$(concert-admin concerts create --title T --artist A --venue V --json | jq -r .id)',
  );
  cmd.action(async (opts: { title: string; artist: string; venue: string; description: string; opensAt?: string; json?: boolean }, command: Command) => {
    const salesOpenAt = opts.opensAt === undefined ? undefined : opensAt(opts.opensAt);
    const api = apiFor(command);
    const load = async () =>
      (await api.createConcert({ title: opts.title, artist: opts.artist, venue: opts.venue, description: opts.description, salesOpenAt })).concert!;
    await renderResult(!!opts.json, load, {
      label: "creating the concert",
      json: (c) => protoJson(ConcertSchema, c),
      plain: (c) => [`created concert ${c.id}`, ...detailLines(concertPairs(c))],
      view: (c, { Details }) => <Details headline={`✔ created concert ${c.id}`} pairs={concertPairs(c)} />,
    });
  });
}
