/** An operator's queue policy for a concert (AdminService.SetQueuePolicy). */
export interface QueuePolicy {
  maxActive: number;
  /** "manual" or "auto" (SPEC 7.3); rows written before read "fifo", which is manual. */
  mode: string;
  paused: boolean;
}

/** Port: where queue policies are kept for good (MySQL); Redis only caches them. */
export interface QueuePolicyRepository {
  save(concertId: number, policy: QueuePolicy): Promise<void>;
  /** undefined: no operator ever set one (the QUEUE_MAX_ACTIVE default applies). */
  find(concertId: number): Promise<QueuePolicy | undefined>;
}

/** The max_active admission should use: a paused sale admits nobody whatever its max_active. */
export const effectiveMaxActive = (p: QueuePolicy) => (p.paused ? 0 : p.maxActive);

export const isAutoMode = (p: QueuePolicy) => p.mode === "auto";
