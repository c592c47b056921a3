import type { Infra, ModuleParts } from "../app/module.js";
import type { ActiveSessions } from "./active-sessions.js";

/** The waiting room (issue 3). Not built yet: its RPCs answer UNIMPLEMENTED. */
export function createQueueModule(_infra: Infra): ModuleParts & { sessions: ActiveSessions } {
  return { sessions: { end: async () => {} } };
}
