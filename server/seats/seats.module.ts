import type { Infra, ModuleParts } from "../app/module.js";
import { afterCommit } from "../shared/after-commit.js";
import { CheckSeatDrift } from "./check-seat-drift.js";
import { FindSeatDrift } from "./find-seat-drift.js";
import { createSeatDriftCheck } from "./seat-drift-check.worker.js";
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

/** Seat state in Redis (status hash, hold keys, their scripts) kept in step with the database, the drift check and its background worker. */
export function createSeatsModule(infra: Infra): SeatsModule {
  const source = new SequelizeSeatStates(infra.db);
  const statuses = new RedisSeatStatusStore(infra.redis);
  const gate = new RedisSeatHoldGate(infra.redis, statuses, source);
  const probe = new RedisSeatDriftProbe(infra.redis);
  const find = new FindSeatDrift(source, probe);
  const reconcileSeats = new ReconcileSeats(find, probe, source, gate);
  const { checkSeconds, schedulesPerTick } = infra.config.seatDrift;
  const workers =
    checkSeconds > 0
      ? [createSeatDriftCheck(new CheckSeatDrift(source, find, schedulesPerTick), infra.metrics, infra.logger.child({ worker: "seat-drift-check" }), checkSeconds * 1000)]
      : [];
  const inventory = new RedisSeatInventory(infra.redis, (concertId) => source.scheduleIdsOf(concertId), gate);
  return {
    admin: createSeatsAdminHandler(reconcileSeats),
    workers,
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
