import type { Infra, ModuleParts } from "../app/module.js";
import { afterCommit } from "../shared/after-commit.js";
import { FindSeatDrift } from "./find-seat-drift.js";
import { ReconcileSeats } from "./reconcile-seats.js";
import { RedisSeatDriftProbe } from "./seat-drift.probe.redis.js";
import { createSeatsAdminHandler } from "./seats-admin.handler.js";
import { RedisSeatHoldGate } from "./seat-hold.gate.redis.js";
import type { SeatHoldGate } from "./seat-hold.gate.js";
import { SequelizeSeatStates } from "./seat-states.sequelize.js";
import { RedisSeatInventory } from "./seat-inventory.redis.js";
import type { SeatInventory } from "../queue/seat-inventory.js";
import { RedisSeatStatusStore } from "./seat-status.store.redis.js";
import type { SeatStatusStore } from "./seat-status.store.js";

export interface SeatsModule extends ModuleParts {
  statuses: SeatStatusStore;
  gate: SeatHoldGate;
  /** New schedules get their seat-status hash at once, so the hold gate keeps it in step from the first sale. */
  onCatalogueChange(concertId: number): Promise<void>;
  /** Per concert free/held/sold for the waiting room (its port). */
  inventory: SeatInventory;
}

/** Seat state in Redis (status hash, hold keys, their scripts) kept in step with the database, and the drift check. */
export function createSeatsModule(infra: Infra): SeatsModule {
  const source = new SequelizeSeatStates(infra.db);
  const statuses = new RedisSeatStatusStore(infra.redis);
  const gate = new RedisSeatHoldGate(infra.redis, statuses, source);
  const probe = new RedisSeatDriftProbe(infra.redis);
  const reconcileSeats = new ReconcileSeats(new FindSeatDrift(source, probe), probe, source, gate);
  const inventory = new RedisSeatInventory(infra.redis, (concertId) => source.scheduleIdsOf(concertId), gate);
  return {
    admin: createSeatsAdminHandler(reconcileSeats),
    statuses,
    gate,
    inventory,
    onCatalogueChange: (concertId) =>
      afterCommit(infra.logger, "could not preload seat statuses; ListSeats will load them", { concertId }, async () => {
        inventory.forget(concertId);
        for (const scheduleId of await source.scheduleIdsOf(concertId)) await gate.reconcile(scheduleId);
      }),
  };
}
