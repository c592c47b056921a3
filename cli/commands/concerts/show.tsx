import type { Command } from "commander";
import { ConcertSchema } from "../../../gen/concert/v1/concert_pb.js";
import { renderResult } from "../../components/render-result.js";
import { withServerOptions } from "../../services/connection-options.js";
import { positiveId } from "../../services/flag-parsers.js";
import { detailLines, protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";
import { concertPairs } from "./concert-views.js";

export function register(parent: Command): void {
  const cmd = parent.command("show").description("show one concert").argument("<concertId>", "concert id", positiveId);
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin concerts show 12", "concert-admin concerts show 12 --json | jq -r .title");
  cmd.action(async (concertId: bigint, opts: { json?: boolean }, command: Command) => {
    const api = apiFor(command);
    await renderResult(!!opts.json, async () => (await api.getConcert(concertId)).concert!, {
      label: `loading concert ${concertId}`,
      json: (c) => protoJson(ConcertSchema, c),
      plain: (c) => detailLines(concertPairs(c)),
      view: (c, { Details }) => <Details pairs={concertPairs(c)} />,
    });
  });
}
