import type { Command } from "commander";
import { create } from "@bufbuild/protobuf";
import { ListConcertsResponseSchema, type ListConcertsResponse } from "../../../gen/concert/v1/concert_pb.js";
import { renderResult } from "../../components/render-result.js";
import type { Column } from "../../components/table-layout.js";
import { withServerOptions } from "../../services/connection-options.js";
import { wholeNumber } from "../../services/flag-parsers.js";
import { plainTable, protoJson } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

const columns: Column[] = [
  { header: "id", align: "right" },
  { header: "title", shrink: true },
  { header: "artist", shrink: true },
  { header: "venue", shrink: true },
];

export function register(parent: Command): void {
  const cmd = parent
    .command("list")
    .description("list concerts, newest first")
    .option("--page-size <n>", "concerts per page (1-100)", wholeNumber(1, 100), 20)
    .option("--page-token <token>", "continue from a previous page's next_page_token")
    .option("--all", "follow next_page_token to the last page");
  withJson(withServerOptions(cmd));
  examples(cmd, "concert-admin concerts list", "concert-admin concerts list --all --json | jq -r '.concerts[].title'");
  cmd.action(async (opts: { pageSize: number; pageToken?: string; all?: boolean; json?: boolean }, command: Command) => {
    const api = apiFor(command);
    const load = async (): Promise<ListConcertsResponse> => {
      let page = await api.listConcerts(opts.pageSize, opts.pageToken ?? "");
      if (!opts.all) return page;
      const concerts = [...page.concerts];
      // A bound on pages, so a server that keeps handing out tokens cannot loop us forever.
      for (let i = 0; page.nextPageToken && i < 10_000; i++) {
        page = await api.listConcerts(opts.pageSize, page.nextPageToken);
        concerts.push(...page.concerts);
      }
      return create(ListConcertsResponseSchema, { concerts, nextPageToken: "" });
    };
    const rows = (r: ListConcertsResponse) => r.concerts.map((c) => [c.id.toString(), c.title, c.artist, c.venue]);
    const more = (r: ListConcertsResponse) => (r.nextPageToken ? [`more: --page-token ${r.nextPageToken}`] : []);
    await renderResult(!!opts.json, load, {
      label: "loading concerts",
      json: (r) => protoJson(ListConcertsResponseSchema, r),
      plain: (r) => [...plainTable(columns, rows(r)), ...more(r)],
      view: (r, { Table, Text }) => (
        <>
          <Table columns={columns} rows={rows(r)} empty="no concerts yet: create one with `concert-admin concerts create`" />
          {more(r).length ? <Text dimColor>{more(r)[0]}</Text> : null}
        </>
      ),
    });
  });
}
