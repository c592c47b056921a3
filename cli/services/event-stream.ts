import { createTopics as createSpecTopics } from "../../server/outbox/topic-spec.js";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders } from "kafkajs";
import { CliError, ExitCode } from "./cli-error.js";

/** SPEC section 4. */
export const EVENT_TOPICS = ["reservation-events", "payment-events", "queue-events"] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

export const EVENT_TYPES: Record<EventTopic, readonly string[]> = {
  "reservation-events": ["SeatsHeld", "SeatsOffered", "ReservationCancelled", "ReservationExpired", "ReservationConfirmed"],
  "payment-events": ["BalanceCharged", "PaymentCompleted"],
  "queue-events": ["TokenIssued", "TokenActivated", "TokenExpired"],
};

/** One Kafka record of a SPEC topic, decoded as far as the CLI needs. */
export interface TailedEvent {
  /** The SPEC topic name, without the KAFKA_TOPIC_PREFIX. */
  topic: EventTopic;
  partition: number;
  offset: string;
  key: string;
  eventId: string;
  /** The event-type header: SeatsHeld, PaymentCompleted, ... */
  type: string;
  /** When Kafka stored the record. */
  time: Date;
  /** The protobuf JSON of the event, or the raw text when it is not JSON. */
  payload: unknown;
}

export interface EventStreamOptions {
  brokers: string[];
  topics: EventTopic[];
  /** KAFKA_TOPIC_PREFIX: tests give every server its own topic names. */
  prefix: string;
  fromBeginning: boolean;
  /** Only these event types; empty means all. */
  types: string[];
  onEvent(e: TailedEvent): void;
  /** Called once the consumer has joined its group and its start offsets are fixed. */
  onReady?(info: { groupId: string; topics: string[] }): void;
  /** Called when the consumer crashes and kafkajs retries; the tail keeps going. */
  onTrouble?(message: string): void;
}

export interface EventStream {
  groupId: string;
  close(): Promise<void>;
}

const header = (headers: IHeaders | undefined, name: string): string => {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? "" : first.toString();
};

const unreachable = (brokers: string[], e: unknown) =>
  new CliError(
    `cannot reach Kafka at ${brokers.join(",")} (${e instanceof Error ? e.message : String(e)}): is it running? Point --brokers or KAFKA_BROKERS at it`,
    ExitCode.unreachable,
  );


/**
 * A watcher may start before anything was ever published (a fresh environment, a test's own topic
 * prefix): subscribing to a missing topic fails, so it is created the way the infra creates them.
 * Another process creating it at the same moment is fine.
 */
async function createTopics(admin: Admin, topics: string[]): Promise<void> {
  await createSpecTopics(admin, topics);
}

/**
 * Starts a live tail of the SPEC topics through a consumer group of its own, so a watcher never
 * takes partitions away from the server's consumers or from another watcher.
 *
 * Without --from-beginning the consumer is moved to the ends the topics had before it subscribed:
 * every event written after `onReady` (indeed after the start) is shown, none from before.
 * (kafkajs' own "latest" is resolved only at the first fetch, which would silently drop events
 * written while the group is still joining.)
 */
export async function openEventStream(opts: EventStreamOptions): Promise<EventStream> {
  const kafka = new Kafka({
    clientId: "concert-admin",
    brokers: opts.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 2, initialRetryTime: 300 },
  });
  const groupId = `concert-admin-${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const byName = new Map<string, EventTopic>(opts.topics.map((t) => [`${opts.prefix}${t}`, t]));
  const topicNames = [...byName.keys()];

  const admin: Admin = kafka.admin();
  try {
    await admin.connect();
  } catch (e) {
    throw unreachable(opts.brokers, e);
  }

  let consumer: Consumer | undefined;
  const close = async () => {
    await consumer?.disconnect().catch(() => {});
    // The group was only ever ours; leaving it behind would litter the broker with dead groups.
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect().catch(() => {});
  };

  try {
    const existing = new Set(await admin.listTopics());
    const missing = topicNames.filter((t) => !existing.has(t));
    if (missing.length > 0) await createTopics(admin, missing);
    // Where "now" is, taken before subscribing. A topic created just now has no old events.
    const starts: { topic: string; partition: number; offset: string }[] = [];
    if (!opts.fromBeginning) {
      for (const topic of topicNames.filter((t) => !missing.includes(t))) {
        for (const p of await admin.fetchTopicOffsets(topic)) starts.push({ topic, partition: p.partition, offset: p.high });
      }
    }

    consumer = kafka.consumer({ groupId, allowAutoTopicCreation: true, retry: { retries: 5 } });
    consumer.on(consumer.events.GROUP_JOIN, () => opts.onReady?.({ groupId, topics: topicNames }));
    consumer.on(consumer.events.CRASH, (e) => opts.onTrouble?.(`Kafka consumer error, retrying: ${e.payload.error.message}`));
    await consumer.connect();
    await consumer.subscribe({ topics: topicNames, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ topic, partition, message }) => {
        const type = header(message.headers, "event-type");
        if (opts.types.length > 0 && !opts.types.includes(type)) return;
        const text = message.value?.toString() ?? "";
        let payload: unknown = text;
        try {
          payload = JSON.parse(text);
        } catch {
          // Not JSON: shown as text, so a malformed event is visible rather than dropped.
        }
        opts.onEvent({
          topic: byName.get(topic) ?? (topic as EventTopic),
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? "",
          eventId: header(message.headers, "event-id"),
          type: type || "(no event-type)",
          time: new Date(Number(message.timestamp)),
          payload,
        });
      },
    });
    // Seeks made right after run() apply before the first fetch (kafkajs' own admin.setOffsets relies on the same).
    for (const start of starts) consumer.seek(start);
  } catch (e) {
    await close();
    if (e instanceof CliError) throw e;
    const name = (e as { name?: string }).name ?? "";
    if (/Connection|NumberOfRetriesExceeded|BrokerNotFound/.test(name)) throw unreachable(opts.brokers, e);
    throw new CliError(`cannot watch ${topicNames.join(", ")}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { groupId, close };
}
