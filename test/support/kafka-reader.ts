import { createTopics } from "../../server/outbox/topic-spec.js";
import { Kafka, logLevel } from "kafkajs";
import { QueryTypes, type Sequelize } from "sequelize";
import { uniqueId } from "./env.js";

export interface ReadMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  value: string;
  eventId: string;
  eventType: string;
  contentType: string;
}

/**
 * Reads the topics from the beginning with a group of its own until `done(messages)` holds, then
 * returns everything read (duplicates included). Throws with what it saw when timeoutMs passes.
 */
export async function readUntil(
  brokers: string[],
  topics: string[],
  done: (msgs: ReadMessage[]) => boolean,
  timeoutMs = 60_000,
): Promise<ReadMessage[]> {
  const kafka = new Kafka({ clientId: "test-reader", brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(admin, topics);
  await admin.disconnect();

  const consumer = kafka.consumer({ groupId: uniqueId("reader"), maxWaitTimeInMs: 200, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const msgs: ReadMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    let finished: () => void = () => {};
    const finishedP = new Promise<void>((r) => (finished = r));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const h = (n: string) => message.headers?.[n]?.toString() ?? "";
        msgs.push({
          topic,
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? "",
          value: message.value?.toString() ?? "",
          eventId: h("event-id"),
          eventType: h("event-type"),
          contentType: h("content-type"),
        });
        if (done(msgs)) finished();
      },
    });
    if (done(msgs)) finished();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`read ${msgs.length} messages (${new Set(msgs.map((m) => m.eventId)).size} distinct) before timing out`)), timeoutMs);
    });
    try {
      await Promise.race([finishedP, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return msgs;
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

export const distinctIds = (msgs: ReadMessage[]) => new Set(msgs.map((m) => m.eventId));

/** A readUntil() condition: every one of these event ids has arrived. */
export function hasAll(eventIds: Iterable<string>): (msgs: ReadMessage[]) => boolean {
  const want = new Set(eventIds);
  const seen = new Set<string>();
  let scanned = 0;
  return (msgs) => {
    for (; scanned < msgs.length; scanned++) if (want.has(msgs[scanned]!.eventId)) seen.add(msgs[scanned]!.eventId);
    return seen.size === want.size;
  };
}

export interface OutboxRecord {
  id: number;
  eventId: string;
  topic: string;
  key: string;
  sentAt: Date | null;
  attempts: number;
}

export async function outboxRows(db: Sequelize): Promise<OutboxRecord[]> {
  const rows = await db.query<{ id: number; event_id: string; topic: string; message_key: string; sent_at: Date | null; attempts: number }>(
    "SELECT id, event_id, topic, message_key, sent_at, attempts FROM outbox ORDER BY id",
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ id: Number(r.id), eventId: r.event_id, topic: r.topic, key: r.message_key, sentAt: r.sent_at, attempts: r.attempts }));
}

/**
 * Keys whose events did not arrive in outbox (commit) order: for each (topic, key), the first
 * arrival of each event id, in partition offset order, must follow the outbox ids. Returns the
 * offending keys (empty when all is in order).
 */
export function keysOutOfOrder(msgs: ReadMessage[], rows: OutboxRecord[], topicPrefix: string): string[] {
  const idOf = new Map(rows.map((r) => [r.eventId, r.id]));
  const byKey = new Map<string, ReadMessage[]>();
  for (const m of msgs) {
    const k = `${m.topic}|${m.key}`;
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push(m);
  }
  const bad: string[] = [];
  for (const [k, list] of byKey) {
    if (new Set(list.map((m) => m.partition)).size !== 1) {
      bad.push(`${k} (spread over partitions)`);
      continue;
    }
    list.sort((a, b) => a.offset - b.offset);
    const seen = new Set<string>();
    const order: number[] = [];
    for (const m of list) {
      if (seen.has(m.eventId)) continue;
      seen.add(m.eventId);
      order.push(idOf.get(m.eventId) ?? -1);
    }
    const expected = rows.filter((r) => `${topicPrefix}${r.topic}|${r.key}` === k).map((r) => r.id);
    if (order.join(",") !== expected.join(",")) bad.push(`${k}: got ${order.join(",")} want ${expected.join(",")}`);
  }
  return bad;
}
