import { randomUUID } from "node:crypto";
import { create, toJsonString, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";

/** Topics of SPEC section 4. The relay adds KAFKA_TOPIC_PREFIX (empty outside tests) when it sends. */
export type EventTopic = "reservation-events" | "payment-events" | "queue-events";

/** One event as stored in the outbox and sent to Kafka: value is the protobuf JSON of the message. */
export interface OutboxEvent {
  eventId: string;
  topic: EventTopic;
  key: string;
  /** The message name, sent as the event-type header: SeatsHeld, PaymentCompleted, ... */
  type: string;
  payload: string;
}

/** Builds an event from one of the messages in proto/concert/v1/events.proto. */
export function outboxEvent<Desc extends DescMessage>(
  topic: EventTopic,
  key: string | number,
  schema: Desc,
  init: MessageInitShape<Desc>,
): OutboxEvent {
  return { eventId: randomUUID(), topic, key: String(key), type: schema.name, payload: toJsonString(schema, create(schema, init)) };
}
