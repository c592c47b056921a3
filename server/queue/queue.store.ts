import type { EntryState } from "./entry-state.js";

export interface EnterResult {
  entryId: number;
  /** The entry after this step's admission: WAITING with its place, or ACTIVE (perhaps admitted by this very call). */
  status: EntryStatus;
  /** A new place at the back (first entry, or re-entry after the last one ended). */
  isNew: boolean;
  /** Place at the back when isNew (before this step's admission); 0 otherwise. */
  positionAtEntry: number;
  /** The user's previous active slot had timed out and was ended by this call. */
  endedByTtl: boolean;
  /** Fans (the caller perhaps among them) this step admitted into free slots. */
  admitted: Admission[];
}

export interface Admission {
  userId: number;
  entryId: number;
  expiresAtMs: number;
}

export interface AdmitResult {
  /** Users whose active slot timed out and was ended by this step. */
  expired: number[];
  admitted: Admission[];
  waiting: number;
  active: number;
}

export interface EntryStatus {
  state: EntryState;
  /** 1-based among the waiting; 0 otherwise. */
  position: number;
  expiresAtMs: number;
  /** Admissions observed in the rate window. */
  admissionsInWindow: number;
  maxActive: number;
  /** How many are waiting in this concert's line (sizes the poll hint). */
  waiting: number;
}

export interface QueueStats {
  waiting: number;
  active: number;
  maxActive: number;
  admittedTotal: number;
  admissionsInWindow: number;
}

export interface WaitingEntry {
  userId: number;
  position: number;
  enteredAtMs: number;
}

/** What a leave did: the state the entry was in, or undefined when there was no such entry. */
export type LeaveResult = EntryState.Waiting | EntryState.Active | EntryState.Expired | undefined;

/** Port: the waiting room's shared state (Redis). Every multi-key change is one atomic step. */
export interface QueueStore {
  readonly rateWindowMs: number;
  enter(concertId: number, userId: number): Promise<EnterResult>;
  /** Ends timed-out slots and admits from the head, up to max_active. */
  admit(concertId: number): Promise<AdmitResult>;
  /** entryId undefined: whatever entry the user has. */
  leave(concertId: number, userId: number, entryId?: number): Promise<LeaveResult>;
  status(concertId: number, userId: number, entryId: number): Promise<EntryStatus>;
  /** Many statuses in one round trip (the watch ticker). */
  statuses(items: Array<{ concertId: number; userId: number; entryId: number }>): Promise<EntryStatus[]>;
  /**
   * The watch hub's tick for one concert: the line's shared figures read once, then each entry's
   * state and place, with the change counter they were read at (one script call per chunk).
   */
  watchBatch(concertId: number, items: Array<{ userId: number; entryId: number }>): Promise<{ version: string; statuses: EntryStatus[] }>;
  stats(concertId: number): Promise<QueueStats>;
  listWaiting(concertId: number, offset: number, limit: number): Promise<WaitingEntry[]>;
  setMaxActive(concertId: number, maxActive: number): Promise<void>;
  /** Change counters of the concerts' lines, in one round trip. */
  versions(concertIds: number[]): Promise<string[]>;
  /** Concerts with fans waiting or active (what the ticker visits). */
  queuedConcerts(): Promise<number[]>;
  markQueued(concertId: number): Promise<void>;
  /** Drops the concert from the ticker's set unless someone is (again) waiting or active. */
  unmarkIfIdle(concertId: number): Promise<void>;
}
