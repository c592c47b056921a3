import type { Worker } from "../app/module.js";
import type { Logger } from "../shared/logger.js";
import type { KafkaPublisher } from "./kafka-publisher.js";
import type { RelayMetrics } from "./outbox-relay.metrics.js";
import type { OutboxRow, RefusedRow, SequelizeRelayStore } from "./outbox-relay.store.js";
import { errorLine, sendFailureKind } from "./send-failure.js";

export interface RelayOptions {
  /** Rows claimed and sent per round. 1 means one at a time (the benchmark's baseline). */
  batchSize: number;
  /** Sleep between rounds when there is nothing to send and nobody wakes the relay. */
  pollIntervalMs: number;
  /** Backoff after a failed round: doubles from min to max, with jitter. */
  backoffMinMs: number;
  backoffMaxMs: number;
  /** Sent rows are deleted after this long (Kafka holds them from then on). */
  retentionSeconds: number;
  purgeIntervalMs: number;
  /** OUTBOX_MAX_ATTEMPTS (SPEC 7.4): an event Kafka refused this many times goes dead and is no longer tried. */
  maxAttempts: number;
  /** A refused event waits before its next try: doubles from min to max with each failure. */
  retryMinMs: number;
  retryMaxMs: number;
  /** Sends per round spent splitting a refused batch to find the events at fault; the rest wait for the next round. */
  isolationSendsPerRound: number;
  /** Test only: pause between Kafka's ack and marking the rows sent, to widen race windows and crash mid-batch. */
  afterSendDelayMs?: number;
  /** Test only: sees each batch once Kafka acked it. */
  onSent?: (rows: OutboxRow[]) => void;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = {
  batchSize: 500,
  pollIntervalMs: 200,
  backoffMinMs: 200,
  backoffMaxMs: 5_000,
  retentionSeconds: 24 * 3600,
  purgeIntervalMs: 60_000,
  maxAttempts: 20,
  retryMinMs: 1_000,
  retryMaxMs: 60_000,
  isolationSendsPerRound: 32,
};

/**
 * "on": a refused batch is split to find the events at fault (the product). "off" exists only for the
 * negative control in test/outbox/dead-letters.test.ts: every event of a refused batch counts the failure.
 */
export type FailureIsolation = "on" | "off";

class StageError extends Error {
  constructor(
    readonly stage: "claim" | "send" | "mark",
    readonly cause: unknown,
  ) {
    super(`${stage}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * Moves outbox rows to Kafka. Each round claims the oldest unsent rows with SELECT ... FOR UPDATE
 * SKIP LOCKED inside a transaction, sends them, marks them sent and commits: the row locks last for
 * the whole round, so two relays never hold (hence never send) the same row at once. A crash between
 * Kafka's ack and the commit leaves the rows unsent; they are sent again and consumers drop the
 * duplicates by event-id (at-least-once). Nothing is lost while Kafka is down: the rows wait in MySQL
 * and the relay retries with backoff.
 */
export class OutboxRelay implements Worker {
  readonly name = "outbox-relay";
  private running = false;
  private loop: Promise<void> | undefined;
  private interrupt: (() => void) | undefined;
  private pollSleeping = false;
  private woken = false;
  private readonly opts: RelayOptions;

  constructor(
    private readonly store: SequelizeRelayStore,
    private readonly publisher: KafkaPublisher,
    private readonly metrics: RelayMetrics,
    private readonly logger: Logger,
    opts: Partial<RelayOptions> = {},
    private readonly isolation: FailureIsolation = "on",
  ) {
    this.opts = { ...DEFAULT_RELAY_OPTIONS, ...opts };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the round in progress (its rows are marked or released), then closes the producer. */
  async stop(): Promise<void> {
    this.running = false;
    this.interrupt?.();
    await this.loop;
    this.loop = undefined;
    await this.publisher.close();
  }

  /** Something was committed to the outbox: skip the rest of the poll sleep. */
  wake(): void {
    this.woken = true;
    // Never cuts a failure backoff short: with Kafka down every commit would trigger a retry.
    if (this.pollSleeping) this.interrupt?.();
  }

  /**
   * One round; exposed so tests and the benchmark can drive the relay step by step. Returns rows sent.
   * When Kafka refuses the batch for a reason of some of its events (too large, a topic it cannot write),
   * the batch is split to find them: the others go, the refused ones count a failure (and wait
   * retryMinMs..retryMaxMs before their next try; at maxAttempts they are dead), and later rows of a
   * refused row's key stay behind it. When Kafka is unavailable nothing counts and the round fails.
   */
  async relayOnce(): Promise<{ sent: number; claimed: number; refused: number; dead: number }> {
    let batch;
    try {
      batch = await this.store.claim(this.opts.batchSize);
    } catch (e) {
      throw new StageError("claim", e);
    }
    const { rows, blocked } = batch;
    if (rows.length === 0) {
      await batch.commit().catch(() => {});
      return { sent: 0, claimed: blocked.length, refused: 0, dead: 0 };
    }
    const out: Delivery = { sent: [], refused: [], sends: 0 };
    let unavailable: unknown;
    try {
      await this.deliver(rows, out);
    } catch (e) {
      unavailable = e;
    }
    // A lone event refused for an unknown reason counts only when Kafka took others this round.
    const counted = out.refused.filter((r) => r.kind !== "unknown" || out.sent.length > 0);
    const countedIds = new Set(counted.map((r) => r.row.id));
    const sentIds = new Set(out.sent.map((r) => r.id));
    const now = Date.now();
    for (const r of out.sent) {
      this.metrics.sent.inc({ topic: r.topic });
      this.metrics.latency.observe(Math.max(0, now - r.createdAt.getTime()) / 1000);
    }
    if (out.sent.length > 0) this.opts.onSent?.(out.sent);
    if (out.sent.length > 0 && this.opts.afterSendDelayMs) await sleep(this.opts.afterSendDelayMs);
    let dead: OutboxRow[];
    try {
      await batch.markSent([...sentIds]);
      dead = await batch.markFailed(
        counted.map(({ row, error }) => ({ row, error })),
        { maxAttempts: this.opts.maxAttempts, retryMinMs: this.opts.retryMinMs, retryMaxMs: this.opts.retryMaxMs },
      );
      await batch.markAttempted(rows.filter((r) => !sentIds.has(r.id) && !countedIds.has(r.id)).map((r) => r.id));
      await batch.commit();
    } catch (e) {
      // Kafka has the sent ones, MySQL says unsent: they go again later and consumers drop them by event-id.
      await batch.release().catch(() => {});
      throw new StageError("mark", e);
    }
    for (const r of counted) this.metrics.refused.inc({ topic: r.row.topic });
    for (const r of dead) {
      this.metrics.dead.inc({ topic: r.topic });
      const why = counted.find((c) => c.row.id === r.id)?.error;
      this.logger.error({ outboxId: r.id, eventId: r.eventId, topic: r.topic, key: r.key, type: r.type, err: why }, "outbox event is dead after OUTBOX_MAX_ATTEMPTS refusals; later events of its key wait (concert-admin outbox list)");
    }
    if (unavailable !== undefined) throw new StageError("send", unavailable);
    if (out.sent.length === 0 && counted.length === 0 && out.refused.length > 0) {
      // Refused for an unknown reason with nothing accepted: treat like an outage (back off, count nothing).
      throw new StageError("send", new Error(out.refused[0]!.error));
    }
    if (out.sent.length === 0 && counted.length > 0) {
      // Only refusals: back off like a failed round, so a refused topic is not hammered.
      throw new StageError("send", new Error(`Kafka refused ${counted.length} event(s): ${counted[0]!.error}`));
    }
    return { sent: out.sent.length, claimed: rows.length + blocked.length, refused: counted.length, dead: dead.length };
  }

  /**
   * Sends rows (id order); on a refusal that is about the events, splits them in two and sends each half,
   * the second without the keys that had a refusal in the first (their later rows must not overtake). A
   * refusal of a topic splits the send by topic, and every event of the refusing topic counts it.
   * Throws when Kafka is unavailable; rows neither sent nor refused by then are simply not done.
   */
  private async deliver(rows: OutboxRow[], out: Delivery): Promise<void> {
    try {
      out.sends++;
      await this.publisher.send(rows);
      out.sent.push(...rows);
      return;
    } catch (e) {
      const kind = sendFailureKind(e);
      if (kind === "unavailable") throw e;
      const error = errorLine(e);
      const topics = [...new Set(rows.map((r) => r.topic))];
      if (this.isolation === "on" && kind === "topic" && topics.length > 1) {
        // A topic refuses everything sent to it: send each topic on its own (order is per key, hence per topic).
        for (const topic of topics) {
          if (out.sends >= this.opts.isolationSendsPerRound) return;
          await this.deliver(rows.filter((r) => r.topic === topic), out);
        }
        return;
      }
      if (this.isolation === "off" || kind === "topic" || rows.length === 1) {
        for (const row of rows) out.refused.push({ row, error, kind });
        return;
      }
      if (out.sends >= this.opts.isolationSendsPerRound) return;
      const mid = Math.ceil(rows.length / 2);
      await this.deliver(rows.slice(0, mid), out);
      const stuck = new Set(out.refused.map((r) => keyOf(r.row)));
      const sentIds = new Set(out.sent.map((r) => r.id));
      // Also keep back keys whose earlier rows in the first half were neither sent nor refused (send budget ran out).
      for (const r of rows.slice(0, mid)) if (!sentIds.has(r.id)) stuck.add(keyOf(r));
      const rest = rows.slice(mid).filter((r) => !stuck.has(keyOf(r)));
      if (rest.length > 0 && out.sends < this.opts.isolationSendsPerRound) await this.deliver(rest, out);
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    let nextPurge = Date.now() + Math.min(this.opts.purgeIntervalMs, 5_000);
    while (this.running) {
      this.woken = false;
      let full = false;
      try {
        const r = await this.relayOnce();
        if (failures > 0) this.logger.info({ afterFailures: failures }, "outbox relay recovered");
        failures = 0;
        full = r.sent === this.opts.batchSize;
      } catch (e) {
        failures++;
        const stage = e instanceof StageError ? e.stage : "claim";
        this.metrics.failures.inc({ stage });
        const log = failures === 1 || failures % 20 === 0 ? "warn" : "debug";
        this.logger[log]({ err: e instanceof Error ? e.message : String(e), failures }, "outbox relay round failed; rows stay in MySQL, retrying");
        await this.sleep(backoff(failures, this.opts.backoffMinMs, this.opts.backoffMaxMs), false);
        continue;
      }
      if (Date.now() >= nextPurge) {
        nextPurge = Date.now() + this.opts.purgeIntervalMs;
        await this.store.purgeSent(this.opts.retentionSeconds).catch((e) => this.logger.warn({ err: String(e) }, "outbox purge failed"));
      }
      // A full batch means more is waiting; otherwise wait for a commit or the next poll.
      if (!full && !this.woken) await this.sleep(this.opts.pollIntervalMs, true);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.interrupt = undefined;
        this.pollSleeping = false;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.interrupt = done;
      this.pollSleeping = wakeable;
    });
  }
}

interface Delivery {
  sent: OutboxRow[];
  refused: Array<RefusedRow & { kind: ReturnType<typeof sendFailureKind> }>;
  sends: number;
}

const keyOf = (r: OutboxRow) => `${r.topic}\u0000${r.key}`;

function backoff(failures: number, min: number, max: number): number {
  const base = Math.min(max, min * 2 ** Math.min(failures - 1, 16));
  return base / 2 + Math.random() * (base / 2);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
