import type { Worker } from "../app/module.js";
import type { Logger } from "../shared/logger.js";
import type { KafkaPublisher } from "./kafka-publisher.js";
import type { RelayMetrics } from "./outbox-relay.metrics.js";
import type { OutboxRow, SequelizeRelayStore } from "./outbox-relay.store.js";

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
};

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

  /** One round; exposed so tests and the benchmark can drive the relay step by step. Returns rows sent. */
  async relayOnce(): Promise<{ sent: number; claimed: number }> {
    let batch;
    try {
      batch = await this.store.claim(this.opts.batchSize);
    } catch (e) {
      throw new StageError("claim", e);
    }
    const { rows, blocked } = batch;
    if (rows.length === 0) {
      await batch.commit().catch(() => {});
      return { sent: 0, claimed: blocked.length };
    }
    try {
      await this.publisher.send(rows);
    } catch (e) {
      // Count the attempt, free the rows at once (another relay may have better luck), back off.
      await batch.markAttempted(rows.map((r) => r.id)).then(() => batch.commit(), () => batch.release()).catch(() => {});
      throw new StageError("send", e);
    }
    const now = Date.now();
    for (const r of rows) {
      this.metrics.sent.inc({ topic: r.topic });
      this.metrics.latency.observe(Math.max(0, now - r.createdAt.getTime()) / 1000);
    }
    this.opts.onSent?.(rows);
    if (this.opts.afterSendDelayMs) await sleep(this.opts.afterSendDelayMs);
    try {
      await batch.markSent(rows.map((r) => r.id));
      await batch.commit();
    } catch (e) {
      // Kafka has them, MySQL says unsent: they go again later and consumers drop them by event-id.
      await batch.release().catch(() => {});
      throw new StageError("mark", e);
    }
    return { sent: rows.length, claimed: rows.length + blocked.length };
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

function backoff(failures: number, min: number, max: number): number {
  const base = Math.min(max, min * 2 ** Math.min(failures - 1, 16));
  return base / 2 + Math.random() * (base / 2);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
