/**
 * Redis key names of the waiting room. Every per-concert key carries the concert id as a hash tag
 * (`{42}`), so one concert's keys share a slot and the Lua scripts run unchanged on Redis Cluster.
 * The ioredis client adds REDIS_KEY_PREFIX to every key passed through KEYS; names here are unprefixed.
 */
export interface ConcertQueueKeys {
  /** STRING counter: arrival sequence; each entry's id (and waiting score), so there are no ties. */
  seq: string;
  /** ZSET userId -> entry id: the line, head first. */
  waiting: string;
  /**
   * ZSET entry id -> ms: a checkpoint at most every CLOCK_SPACING_MS, so a join time is known to that
   * precision without a per-fan hash (a user's current entry is likewise derived: its score in
   * `waiting`, else its active key). Trimmed to the head of the line by admission.
   */
  clock: string;
  /** STRING set once the concert is in QUEUED_CONCERTS_KEY (enter.lua asks the caller to add it, unlist.lua clears it). */
  listed: string;
  /** ZSET userId -> ms when the active slot ends: counting and expiring actives is O(log n). */
  activeExpiry: string;
  /** Base of the per-user active session strings (`<base><userId>` = entry id, with PXAT). */
  activeBase: string;
  /** STRING: max_active set by an operator (absent = QUEUE_MAX_ACTIVE). */
  maxActive: string;
  /** STRING counter: fans admitted since the queue began. */
  admittedTotal: string;
  /** ZSET entry id -> ms admitted, trimmed to the rate window: the observed admission rate. */
  admissions: string;
  /** STRING counter bumped on every change that can move a fan's position or state (watchers poll it). */
  version: string;
  /**
   * HASH, the opening (SPEC 7.3): `at` (ms, 0 = open now), `seed`, `commitment` (restored from MySQL
   * when missing), and once the draw ran `drawn` = 1, `first` (entry id of draw position 1), `count`, `drawnAt`.
   */
  opening: string;
  /** ZSET, all scores 0, members "<drawKey hex>:<userId>": lexical order is the drawn order; kept after the draw as its record. */
  pre: string;
  /** HASH userId -> "<drawKey hex>:<draw nonce>": a pre-queue entrant's key and nonce (their token's entry is 0). */
  preFans: string;
  /** STRING set when every seat of the concert is sold: the line has ended (SOLD_OUT). */
  soldOut: string;
  /** STRING "auto" (ADMISSION_MODE_AUTO) or "manual"; restored from MySQL together with max-active. */
  mode: string;
  /** STRING admission cap the ticker derives from the inventory (0: no free seat; AUTO: free ÷ seats per fan); absent = none. */
  slots: string;
}

export function concertQueueKeys(concertId: number): ConcertQueueKeys {
  const p = `queue:{${concertId}}:`;
  return {
    seq: `${p}seq`,
    waiting: `${p}waiting`,
    clock: `${p}clock`,
    listed: `${p}listed`,
    activeExpiry: `${p}active-expiry`,
    activeBase: `${p}active:`,
    maxActive: `${p}max-active`,
    admittedTotal: `${p}admitted-total`,
    admissions: `${p}admissions`,
    version: `${p}version`,
    opening: `${p}opening`,
    pre: `${p}pre`,
    preFans: `${p}pre-fans`,
    soldOut: `${p}sold-out`,
    slots: `${p}slots`,
    mode: `${p}mode`,
  };
}

/** Join times are known to this precision (see `clock`). */
export const CLOCK_SPACING_MS = 100;

export const activeKey = (k: ConcertQueueKeys, userId: number) => `${k.activeBase}${userId}`;

/** SET of concert ids that have fans waiting or active: what the admission ticker visits (no SCAN). */
export const QUEUED_CONCERTS_KEY = "queue:concerts";
