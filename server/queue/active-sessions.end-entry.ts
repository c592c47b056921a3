import type { ActiveSessions } from "./active-sessions.js";
import type { EndEntry } from "./end-entry.js";

/** Ends a fan's entry after a successful Pay: the token turns EXPIRED and the slot goes to the next in line. */
export class QueueActiveSessions implements ActiveSessions {
  constructor(private readonly endEntry: EndEntry) {}

  async end(concertId: number, userId: number, reason: "paid"): Promise<void> {
    await this.endEntry.execute(concertId, userId, reason);
  }
}
