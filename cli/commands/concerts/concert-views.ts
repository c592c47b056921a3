import type { Concert } from "../../../gen/concert/v1/concert_pb.js";
import type { Pairs } from "../../services/output.js";

export const concertPairs = (c: Concert): Pairs => [
  ["id", c.id.toString()],
  ["title", c.title],
  ["artist", c.artist],
  ["venue", c.venue],
  ["description", c.description || "—"],
];
