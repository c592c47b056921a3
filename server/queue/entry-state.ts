/** State of a fan's entry in a concert's line, as the Lua scripts report it (lua/*.lua). */
export enum EntryState {
  Unknown = 0,
  Waiting = 1,
  Active = 2,
  Expired = 3,
  /** In the pre-queue before the opening (SPEC 7.3); the token's entry is 0. */
  BeforeOpen = 4,
  /** Every seat is sold: the line has ended. */
  SoldOut = 5,
}

/** Failure codes the Lua scripts return in place of a result (one enum for the module). */
export enum QueueScriptFailure {
  /** The user has no current entry, or not the one the caller's token names. */
  NoSuchEntry = -1,
  /** set-opening.lua: the opening has passed (the draw ran or is due); it can no longer move. */
  OpeningPassed = -2,
}
