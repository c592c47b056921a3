import { timestampDate } from "@bufbuild/protobuf/wkt";
import { InvalidArgumentError } from "commander";
import type { DeadEvent } from "../../../gen/concert/v1/admin_pb.js";
import type { Column } from "../../components/table-layout.js";
import { humanDuration } from "../../services/output.js";

export const TOPICS = ["reservation-events", "payment-events"] as const;

/** --topic: one of the SPEC topics the outbox writes. */
export function outboxTopic(raw: string): string {
  const t = raw.trim();
  if (!(TOPICS as readonly string[]).includes(t)) throw new InvalidArgumentError(`Expected ${TOPICS.join(" or ")}.`);
  return t;
}

export const deadColumns: Column[] = [
  { header: "id", align: "right" },
  { header: "topic" },
  { header: "key" },
  { header: "type" },
  { header: "failures", align: "right" },
  { header: "dead for", align: "right" },
  { header: "waiting behind", align: "right" },
  { header: "last error" },
];

export function deadRows(events: DeadEvent[], now: number): string[][] {
  return events.map((e) => {
    const deadAt = e.deadAt ? timestampDate(e.deadAt).getTime() : now;
    const state = e.skippedAt ? "skipped" : humanDuration(now - deadAt);
    return [e.id.toString(), e.topic, e.key, e.eventType, String(e.failures), state, e.blocked.toString(), e.lastError];
  });
}
