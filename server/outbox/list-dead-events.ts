import type { DeadEvent, DeadEventsRepository } from "./dead-events.repository.js";
import type { EventTopic } from "./outbox-event.js";

export interface ListDeadEventsQuery {
  topic?: EventTopic;
  limit: number;
  afterId: number;
  includeSkipped: boolean;
}

/** `concert-admin outbox list`: dead events oldest first, paged by outbox id. */
export class ListDeadEvents {
  constructor(private readonly repo: DeadEventsRepository) {}

  async execute(q: ListDeadEventsQuery): Promise<{ events: DeadEvent[]; totalDead: number; nextAfterId: number }> {
    const limit = q.limit > 0 ? q.limit : 100;
    const { events, totalDead, more } = await this.repo.list({ topic: q.topic, afterId: q.afterId, limit, includeSkipped: q.includeSkipped });
    return { events, totalDead, nextAfterId: more ? events[events.length - 1]!.id : 0 };
  }
}
