/** State of a fan's entry in a concert's line, as the Lua scripts report it (lua/*.lua). */
export enum EntryState {
  Unknown = 0,
  Waiting = 1,
  Active = 2,
  Expired = 3,
}

/** Failure codes the Lua scripts return in place of a result (one enum for the module). */
export enum QueueScriptFailure {
  /** The user has no current entry, or not the one the caller's token names. */
  NoSuchEntry = -1,
}
