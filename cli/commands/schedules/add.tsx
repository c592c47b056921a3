import type { Command } from "commander";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ScheduleSchema, type Schedule } from "../../../gen/concert/v1/concert_pb.js";
import { renderResult } from "../../components/render-result.js";
import { usageError } from "../../services/cli-error.js";
import { withServerOptions } from "../../services/connection-options.js";
import { calendarDate, clockTime, gradeSpec, positiveId, type GradeFlag } from "../../services/flag-parsers.js";
import { detailLines, krw, num, protoJson, type Pairs } from "../../services/output.js";
import { apiFor, examples, withJson } from "../command-helpers.js";

/** Show times are local to the venue: the SPEC fixes dates in Asia/Seoul, which has no DST. */
const SEOUL_OFFSET = "+09:00";

const pairs = (s: Schedule, grades: GradeFlag[]): Pairs => {
  let next = 1;
  const layout = grades.map((g) => {
    const range = `${g.grade} ${next}-${next + g.count - 1} at ${krw(g.price)}`;
    next += g.count;
    return range;
  });
  return [
    ["schedule", s.id.toString()],
    ["concert", s.concertId.toString()],
    ["date", s.date],
    ["starts at", s.startsAt ? `${timestampDate(s.startsAt).toISOString()} (${s.date} Asia/Seoul)` : "?"],
    ["seats", `${num(s.totalSeats)} (${num(s.availableSeats)} available)`],
    ["grades", layout.join(" · ")],
  ];
};

export function register(parent: Command): void {
  const cmd = parent
    .command("add")
    .description("add a date to a concert with its seats; seats are numbered 1..N across the grades in the order given (admin)")
    .argument("<concertId>", "concert id", positiveId)
    .requiredOption("--date <YYYY-MM-DD>", "show date in Asia/Seoul", calendarDate)
    .requiredOption("--time <HH:MM>", "start time in Asia/Seoul, 24-hour", clockTime)
    .option("--grade <NAME:COUNT:PRICE>", "a price grade, repeatable: name, seat count (1-10000), price in whole KRW", gradeSpec);
  withJson(withServerOptions(cmd));
  examples(
    cmd,
    "concert-admin schedules add 12 --date 2026-05-01 --time 19:30 --grade VIP:20:198000 --grade R:50:150000 --grade S:100:99000",
  );
  cmd.action(async (concertId: bigint, opts: { date: string; time: string; grade?: GradeFlag[]; json?: boolean }, command: Command) => {
    const grades = opts.grade ?? [];
    if (grades.length === 0) throw usageError("give at least one --grade NAME:COUNT:PRICE, such as --grade R:50:150000");
    const api = apiFor(command);
    const startsAt = timestampFromDate(new Date(`${opts.date}T${opts.time}:00${SEOUL_OFFSET}`));
    const load = async () => (await api.addSchedule({ concertId, date: opts.date, startsAt, grades })).schedule!;
    await renderResult(!!opts.json, load, {
      label: "adding the schedule",
      json: (s) => protoJson(ScheduleSchema, s),
      plain: (s) => [`added schedule ${s.id} to concert ${s.concertId}`, ...detailLines(pairs(s, grades))],
      view: (s, { Details }) => <Details headline={`✔ added schedule ${s.id} to concert ${s.concertId}`} pairs={pairs(s, grades)} />,
    });
  });
}
