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
  /** Admission steps this call had to run first (the opening's draw was due): their events are the caller's to send. */
  steps: AdmitResult[];
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
  /** Set when this step ran the opening draw (exactly one step per concert does). */
  draw?: { entrants: number; salesOpenAtMs: number; commitment: string };
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
  /** A pre-queue entrant's draw nonce (their token's entry is 0); "" otherwise. */
  drawNonce?: string;
  /** BEFORE_OPEN: when the opening is (the poll hint points at it). */
  opensAtMs?: number;
}

export interface QueueStats {
  waiting: number;
  active: number;
  maxActive: number;
  admittedTotal: number;
  admissionsInWindow: number;
  soldOut: boolean;
  /** The inventory's admission cap in force, or undefined when none. */
  slots?: number;
}

/** The public record of a concert's draw (GetDraw); seed and keys only once it ran. */
export interface DrawRecord {
  salesOpenAtMs: number;
  commitment: string;
  drawnAtMs?: number;
  seed: string;
  drawKeys: string[];
}

/** What an operator's new opening did: the secret in force, or refused because the opening has passed. */
export type OpeningChange = { ok: true; seed: string; commitment: string } | { ok: false };

export interface WaitingEntry {
  userId: number;
  position: number;
  enteredAtMs: number;
}

/** What a leave did: the state the entry was in, or undefined when there was no such entry. */
export type LeaveResult = EntryState.Waiting | EntryState.Active | EntryState.Expired | EntryState.BeforeOpen | undefined;

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
  /** auto: ADMISSION_MODE_AUTO (the ticker sizes the slots from the inventory, at most maxActive). */
  setMaxActive(concertId: number, maxActive: number, auto?: boolean): Promise<void>;
  isAuto(concertId: number): Promise<boolean>;
  /** Moves the opening (null: open now) unless it has passed; the first secret given is kept. */
  setOpening(concertId: number, atMs: number | null, seed: string, commitment: string): Promise<OpeningChange>;
  draw(concertId: number): Promise<DrawRecord | undefined>;
  /** Ends the line: every waiter turns SOLD_OUT. Returns how many were waiting, or undefined if it had already ended. */
  markSoldOut(concertId: number): Promise<number | undefined>;
  /** Lifts the sold-out flag (seats are free again); true when there was one. */
  reopen(concertId: number): Promise<boolean>;
  /**
   * The inventory's admission cap (undefined: none), kept until the next admission tick replaces it: a
   * concert nobody queues for keeps its last cap, so the first fan after a quiet spell is not admitted
   * to seats that are all held (the ticker visits the line within a tick of their entry).
   */
  setSlots(concertId: number, slots: number | undefined): Promise<void>;
  /** Change counters of the concerts' lines, in one round trip. */
  versions(concertIds: number[]): Promise<string[]>;
  /** Concerts with fans waiting or active (what the ticker visits). */
  queuedConcerts(): Promise<number[]>;
  markQueued(concertId: number): Promise<void>;
  /** Drops the concert from the ticker's set unless someone is (again) waiting or active. */
  unmarkIfIdle(concertId: number): Promise<void>;
}
