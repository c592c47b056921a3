import type { Interceptor } from "@connectrpc/connect";
import { DomainError } from "../../shared/domain-error.js";
import { kAuth } from "../context-keys.js";

export interface RateLimitOptions {
  /** Sustained calls per second per user and RPC; 0 turns limiting off. */
  perSecond: number;
  /** Calls a user may make at once before the sustained rate applies. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-user, per-RPC token buckets, so one client looping on GetQueueStatus or HoldSeats cannot
 * crowd out the fans behind it (RESOURCE_EXHAUSTED). Buckets live in this process: with WORKERS
 * processes a user gets up to WORKERS times the rate, which is still a bound, and costs no Redis
 * round trip on the hot path. Anonymous (public) calls are not limited here, and neither are
 * operators (role admin), whose dashboards and scripts poll on purpose.
 */
export function createRateLimitInterceptor(opts: RateLimitOptions, now: () => number = Date.now): Interceptor & { stop(): void } {
  const buckets = new Map<string, Bucket>();
  const idleMs = Math.max(60_000, (opts.burst / Math.max(opts.perSecond, 1)) * 1000);
  // Full buckets carry no information; dropping idle ones keeps memory bounded by active users.
  const sweep = setInterval(() => {
    const cutoff = now() - idleMs;
    for (const [k, b] of buckets) if (b.at < cutoff) buckets.delete(k);
  }, 30_000);
  sweep.unref();

  // Not async: a call that passes costs no promise of its own; a refusal is thrown into the interceptor outside.
  const interceptor: Interceptor = (next) => (req) => {
    const auth = req.contextValues.get(kAuth);
    if (opts.perSecond <= 0 || !auth || auth.isAdmin) return next(req);
    const key = `${auth.userId}:${req.method.name}`;
    const t = now();
    const b = buckets.get(key) ?? { tokens: opts.burst, at: t };
    b.tokens = Math.min(opts.burst, b.tokens + ((t - b.at) / 1000) * opts.perSecond);
    b.at = t;
    buckets.set(key, b);
    if (b.tokens < 1) {
      const waitMs = Math.ceil(((1 - b.tokens) / opts.perSecond) * 1000);
      throw new DomainError("RATE_LIMITED", `too many ${req.method.name} calls: slow down and retry in ${waitMs} ms`);
    }
    b.tokens -= 1;
    return next(req);
  };
  return Object.assign(interceptor, { stop: () => clearInterval(sweep) });
}
