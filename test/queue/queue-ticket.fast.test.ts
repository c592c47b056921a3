import { describe, expect, it } from "vitest";
import { QueueState } from "../../gen/concert/v1/queue_pb.js";
import { EntryState } from "../../server/queue/entry-state.js";
import { estimateWaitSeconds, isFinal, ticketOf } from "../../server/queue/queue-ticket.js";
import { ticketToProto } from "../../server/queue/queue-ticket.mapper.js";
import type { EntryStatus } from "../../server/queue/queue.store.js";
import { PollHint } from "../../server/queue/poll-hint.js";

const policy = { rateWindowMs: 60_000, activeTtlSeconds: 1800, poll: new PollHint({ budgetPerSecond: 2000, rateLimitPerSecond: 50 }) };

const status = (s: Partial<EntryStatus>): EntryStatus => ({
  state: EntryState.Waiting,
  position: 10,
  expiresAtMs: 0,
  admissionsInWindow: 0,
  maxActive: 100,
  waiting: 10,
  ...s,
});

describe("queue ticket mapping (fast tier)", () => {
  it("estimates the wait from the observed admission rate", () => {
    // 30 admissions in a 60 s window = 0.5/s; position 10 waits 20 s.
    expect(estimateWaitSeconds(status({ admissionsInWindow: 30 }), 60_000, 1800)).toBe(20);
  });

  it("before any admission, bounds the wait by active TTL slots; a paused line has no estimate", () => {
    expect(estimateWaitSeconds(status({ position: 150, maxActive: 100 }), 60_000, 1800)).toBe(3600);
    // SPEC 7.3: unknown (unset) while paused, even with admissions in the window.
    expect(estimateWaitSeconds(status({ maxActive: 0 }), 60_000, 1800)).toBeUndefined();
    expect(estimateWaitSeconds(status({ maxActive: 0, admissionsInWindow: 60 }), 60_000, 1800)).toBeUndefined();
    expect(ticketToProto(ticketOf("t", 7, status({ maxActive: 0 }), policy)).estimatedWaitSeconds).toBeUndefined();
  });

  it("BEFORE_OPEN: position 0, estimate 0, the nonce, a hint at the opening; SOLD_OUT is final with no hint", () => {
    const opensAtMs = Date.now() + 60_000;
    const pre = ticketToProto(ticketOf("t", 7, status({ state: EntryState.BeforeOpen, position: 0, drawNonce: "ab".repeat(16), opensAtMs }), policy));
    expect(pre).toMatchObject({ state: QueueState.BEFORE_OPEN, position: 0n, estimatedWaitSeconds: 0n, drawNonce: "ab".repeat(16) });
    expect(pre.nextPollAfterMs).toBeGreaterThanOrEqual(59_000);
    const sold = ticketOf("t", 7, status({ state: EntryState.SoldOut }), policy);
    expect(ticketToProto(sold)).toMatchObject({ state: QueueState.SOLD_OUT, position: 0n, estimatedWaitSeconds: 0n, nextPollAfterMs: 0 });
    expect(isFinal(sold)).toBe(true);
    expect(isFinal(ticketOf("t", 7, status({ state: EntryState.BeforeOpen }), policy))).toBe(false);
  });

  it("maps WAITING with its place, ACTIVE with its end, anything else as EXPIRED", () => {
    const waiting = ticketToProto(ticketOf("t", 7, status({ position: 3 }), policy));
    expect(waiting).toMatchObject({ token: "t", concertId: 7n, state: QueueState.WAITING, position: 3n });
    expect(waiting.expiresAt).toBeUndefined();

    const active = ticketToProto(ticketOf("t", 7, status({ state: EntryState.Active, expiresAtMs: 5_000 }), policy));
    expect(active).toMatchObject({ state: QueueState.ACTIVE, position: 0n, estimatedWaitSeconds: 0n });
    expect(Number(active.expiresAt!.seconds)).toBe(5);

    for (const state of [EntryState.Expired, EntryState.Unknown]) {
      expect(ticketToProto(ticketOf("t", 7, status({ state }), policy))).toMatchObject({ state: QueueState.EXPIRED, position: 0n });
    }
  });
});
