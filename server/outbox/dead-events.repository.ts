import type { EventTopic } from "./outbox-event.js";

/** An outbox event the relay stopped trying (SPEC 7.4), as the operator sees it. */
export interface DeadEvent {
  id: number;
  eventId: string;
  topic: EventTopic;
  key: string;
  type: string;
  failures: number;
  lastError: string;
  createdAt: Date;
  deadAt: Date;
  skippedAt?: Date;
  /** Unsent later events of its key, held back behind it (0 once skipped). */
  blocked: number;
  payloadBytes: number;
}

export interface DeadEventFilter {
  topic?: EventTopic;
  afterId: number;
  limit: number;
  includeSkipped: boolean;
}

/** Which dead events a replay or skip takes: these ids (all must be dead), or the oldest `limit` of a topic or of all. */
export type DeadEventSelection = { ids: number[] } | { all: true; topic?: EventTopic; limit: number };

export interface DeadEventChange {
  /** The ids changed, in id order. */
  ids: number[];
  /** Ids named that are not dead (unknown, sent, still being tried, or skipped); nothing changed when non-empty. */
  notDead: number[];
  /** Dead events still left that match the selection (with `all`, beyond its limit). */
  remaining: number;
}

/** Port: the operator's view of dead outbox events and the two ways out of that state. */
export interface DeadEventsRepository {
  list(filter: DeadEventFilter): Promise<{ events: DeadEvent[]; totalDead: number; more: boolean }>;
  /** Puts them back in line with a fresh count of attempts. */
  replay(selection: DeadEventSelection): Promise<DeadEventChange>;
  /** Marks them skipped: never sent; later events of their keys go on. */
  skip(selection: DeadEventSelection): Promise<DeadEventChange>;
}
