import { deadEventSelection } from "./dead-event-selection.js";
import type { DeadEventsRepository } from "./dead-events.repository.js";
import type { EventTopic } from "./outbox-event.js";
import { deadEventsNotFound } from "./outbox.errors.js";

/**
 * `concert-admin outbox replay`: dead events go back in line with a fresh count of attempts; the relay
 * sends each before the later events of its key (which waited behind it). Replay after fixing the cause.
 */
export class ReplayDeadEvents {
  constructor(
    private readonly repo: DeadEventsRepository,
    /** Called after events went back in line (wakes the relay of this process). */
    private readonly onReplayed: () => void = () => {},
  ) {}

  async execute(req: { ids: number[]; all: boolean; topic?: EventTopic }): Promise<{ ids: number[]; remaining: number }> {
    const r = await this.repo.replay(deadEventSelection("replay", req));
    if (r.notDead.length > 0) throw deadEventsNotFound(r.notDead);
    if (r.ids.length > 0) this.onReplayed();
    return { ids: r.ids, remaining: r.remaining };
  }
}
