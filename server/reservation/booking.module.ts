import type { Infra, ModuleParts } from "../app/module.js";
import type { ActiveSessions } from "../queue/active-sessions.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";

export interface BookingDeps {
  sessions: ActiveSessions;
  outbox: OutboxWriter;
}

/** Seats, holds, balance and payment (issue 4). Not built yet: its RPCs answer UNIMPLEMENTED. */
export function createBookingModule(_infra: Infra, _deps: BookingDeps): ModuleParts & { onCatalogueChange(concertId: number): Promise<void> } {
  return { onCatalogueChange: async () => {} };
}
