import type { DeadEventSelection } from "./dead-events.repository.js";
import type { EventTopic } from "./outbox-event.js";
import { deadEventSelectionInvalid, topicWithoutAll } from "./outbox.errors.js";

/** Dead events one replay or skip call takes with `all` (oldest first); the answer says how many are left. */
export const ALL_LIMIT = 1000;

/** Ids or all, never both and never neither (checked before anything changes). */
export function deadEventSelection(verb: "replay" | "skip", req: { ids: number[]; all: boolean; topic?: EventTopic }): DeadEventSelection {
  if (req.all === req.ids.length > 0) throw deadEventSelectionInvalid(verb);
  if (!req.all && req.topic) throw topicWithoutAll();
  return req.all ? { all: true, topic: req.topic, limit: ALL_LIMIT } : { ids: req.ids };
}
