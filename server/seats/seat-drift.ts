import type { SeatState, SeatStatus } from "./seat.js";

/** How Redis differs from the database for one seat (the database wins). */
export type SeatDriftKind = "STATUS_MISMATCH" | "HOLD_KEY_MISSING" | "HOLD_KEY_STALE" | "HOLDER_MISMATCH" | "HOLD_KEY_ORPHAN";

export interface SeatDrift {
  seatNumber: number;
  kind: SeatDriftKind;
  /** "" when the database has no such seat (HOLD_KEY_ORPHAN). */
  mysqlStatus: SeatStatus | "";
  /** The seat's value in the seat-status hash, undefined when it has none. */
  redisStatus?: string;
  detail: string;
}

/** What Redis says about a schedule's seats: the raw status hash (undefined when missing) and the hold keys' values. */
export interface RedisSeatView {
  statuses: Map<number, string> | undefined;
  holders: Map<number, string>;
}

/** Every hold key Redis has for a schedule, found by a bounded scan: seat number -> holder. */
export interface RedisHoldKeys {
  holders: Map<number, string>;
  /** False when the scan stopped at its bound before seeing the whole key space (some orphans may be unseen). */
  complete: boolean;
}

/** Hold keys for seat numbers the schedule does not have in the database (nothing will ever release them). */
export function orphanHoldKeys(seats: SeatState[], holdKeys: RedisHoldKeys): SeatDrift[] {
  const known = new Set(seats.map((s) => s.number));
  return [...holdKeys.holders]
    .filter(([n]) => !known.has(n))
    .sort(([a], [b]) => a - b)
    .map(([n, holder]) => ({
      seatNumber: n,
      kind: "HOLD_KEY_ORPHAN" as const,
      mysqlStatus: "" as const,
      detail: `hold key names user ${holder} for seat ${n}, which the schedule does not have in the database`,
    }));
}

/** How many seats differ (a seat may have more than one kind of drift). */
export const driftingSeats = (drifts: SeatDrift[]) => new Set(drifts.map((d) => d.seatNumber)).size;

/**
 * Every difference between the database's seats and Redis. A HELD seat whose hold has expired (the
 * sweeper has not released it yet) needs no hold key: its key expired with the same TTL.
 */
export function seatDrifts(seats: SeatState[], redis: RedisSeatView, now: Date): SeatDrift[] {
  const out: SeatDrift[] = [];
  for (const s of seats) {
    const redisStatus = redis.statuses?.get(s.number);
    const holder = redis.holders.get(s.number);
    const drift = (kind: SeatDriftKind, detail: string) => out.push({ seatNumber: s.number, kind, mysqlStatus: s.status, redisStatus, detail });
    if (redisStatus !== s.status) {
      drift("STATUS_MISMATCH", redis.statuses ? `status hash says ${redisStatus ?? "nothing"}, database says ${s.status}` : `status hash missing, database says ${s.status}`);
    }
    if (s.status === "HELD") {
      const live = s.holderId !== undefined && s.heldUntil !== undefined && s.heldUntil.getTime() > now.getTime();
      if (holder === undefined) {
        if (live) drift("HOLD_KEY_MISSING", `no hold key, database hold by user ${s.holderId} until ${s.heldUntil!.toISOString()}`);
      } else if (s.holderId !== undefined && holder !== String(s.holderId)) {
        drift("HOLDER_MISMATCH", `hold key names user ${holder}, database hold is user ${s.holderId}'s`);
      }
    } else if (holder !== undefined) {
      drift("HOLD_KEY_STALE", `hold key names user ${holder}, database says ${s.status}`);
    }
  }
  return out;
}
