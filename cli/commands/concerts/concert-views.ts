import { timestampDate, timestampFromMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { Concert } from "../../../gen/concert/v1/concert_pb.js";
import { usageError } from "../../services/cli-error.js";
import type { Pairs } from "../../services/output.js";

export const concertPairs = (c: Concert): Pairs => [
  ["id", c.id.toString()],
  ["title", c.title],
  ["artist", c.artist],
  ["venue", c.venue],
  ["description", c.description || "—"],
  ["sales open", c.salesOpenAt ? timestampDate(c.salesOpenAt).toISOString() : "now (no scheduled opening)"],
  ["draw commitment", c.fairnessCommitment || "—"],
];

/** --opens-at: an ISO 8601 instant with its offset, e.g. 2026-05-01T20:00:00+09:00. */
export function opensAt(text: string): Timestamp {
  const ms = /(Z|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw usageError(`--opens-at must be an ISO 8601 instant with its offset, e.g. 2026-05-01T20:00:00+09:00; got "${text}"`);
  return timestampFromMs(ms);
}
