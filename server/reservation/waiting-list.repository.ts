import type { Transaction } from "sequelize";
import type { FreeSeat, WaitingListEntry, WaitingListSummary } from "./waiting-list.js";

/**
 * Port: waiting lists in the database. Ordering rules (why the locks): JoinWaitingList takes the
 * schedule row exclusively, every release of seats (cancel, expiry) takes it shared before it frees
 * seats, so a fan never joins a list while a just-freed seat goes unoffered. Offering transactions of
 * one schedule queue up on the head entry's row lock, before they lock any seat.
 */
export interface WaitingListRepository {
  /** Locks the schedule row exclusively (join); its concert, or undefined when it does not exist. */
  lockScheduleForJoin(tx: Transaction, scheduleId: number): Promise<{ concertId: number } | undefined>;
  /** AVAILABLE seats of the schedule (committed state). */
  availableSeatCount(scheduleId: number, tx?: Transaction): Promise<number>;
  /** The fan's WAITING or OFFERED entry, row-locked. */
  lockLiveEntry(tx: Transaction, scheduleId: number, userId: number): Promise<WaitingListEntry | undefined>;
  /** Adds a WAITING entry at the back; undefined when the fan already has a live one (unique key). */
  insert(tx: Transaction, e: { scheduleId: number; userId: number; seatCount: number; now: Date }): Promise<number | undefined>;
  /** WAITING -> LEFT; false when the entry was not WAITING. */
  leave(tx: Transaction, entryId: number, now: Date): Promise<boolean>;
  /** The fan's latest entry on the schedule, with its position. */
  latestOf(scheduleId: number, userId: number, tx?: Transaction): Promise<WaitingListEntry | undefined>;

  /**
   * Before seats are freed in `tx`: shares the schedule row (ordering against a join) and, when anyone
   * waits, locks the head entry (ordering offering transactions of the schedule). True when anyone waits.
   */
  lockForOffers(tx: Transaction, scheduleId: number): Promise<boolean>;
  /** Up to `max` AVAILABLE seats, lowest numbers first, row-locked. */
  lockFreeSeats(tx: Transaction, scheduleId: number, max: number): Promise<FreeSeat[]>;
  /** The first WAITING entry (list order) wanting at most `maxSeats`, row-locked. */
  nextFitting(tx: Transaction, scheduleId: number, maxSeats: number): Promise<{ id: number; userId: number; seatCount: number } | undefined>;
  /** WAITING -> OFFERED with its reservation; false when the entry was no longer WAITING. */
  markOffered(tx: Transaction, entryId: number, reservationId: number, now: Date): Promise<boolean>;

  /** Operators' view; undefined for an unknown schedule. */
  summary(scheduleId: number): Promise<WaitingListSummary | undefined>;
}
