import { deadEventSelection } from "./dead-event-selection.js";
import type { DeadEventsRepository } from "./dead-events.repository.js";
import type { EventTopic } from "./outbox-event.js";
import { deadEventsNotFound } from "./outbox.errors.js";

/**
 * `concert-admin outbox skip`: gives up on dead events. They are never sent (consumers never see them),
 * later events of their keys go on, and the rows are purged after OUTBOX_RETENTION_SECONDS like sent ones.
 */
export class SkipDeadEvents {
  constructor(
    private readonly repo: DeadEventsRepository,
    private readonly onSkipped: () => void = () => {},
  ) {}

  async execute(req: { ids: number[]; all: boolean; topic?: EventTopic }): Promise<{ ids: number[]; remaining: number }> {
    const r = await this.repo.skip(deadEventSelection("skip", req));
    if (r.notDead.length > 0) throw deadEventsNotFound(r.notDead);
    if (r.ids.length > 0) this.onSkipped();
    return { ids: r.ids, remaining: r.remaining };
  }
}
