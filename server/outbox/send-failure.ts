/**
 * Why Kafka refused a send, as far as the relay needs to know:
 *   "unavailable"  Kafka (or the way to it) is down or overloaded: the broker never judged the events.
 *                  Nothing is counted against them; the round backs off (SPEC 4: they go once Kafka is back).
 *   "topic"        the topic refuses every event (not authorised, does not exist and cannot be created):
 *                  each event of the send counts one failure.
 *   "record"       the broker refused some record of the send (too large, invalid, policy): the relay
 *                  splits the send to find which events, and only those count a failure.
 *   "unknown"      anything else: split like "record", but a lone event counts a failure only when
 *                  Kafka accepted other events in the same round (so the broker was evidently up).
 */
export type SendFailureKind = "unavailable" | "topic" | "record" | "unknown";

const TOPIC_TYPES = new Set(["TOPIC_AUTHORIZATION_FAILED", "UNKNOWN_TOPIC_OR_PARTITION", "INVALID_TOPIC_EXCEPTION"]);
const RECORD_TYPES = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD", "CORRUPT_MESSAGE", "POLICY_VIOLATION", "INVALID_TIMESTAMP"]);
const UNAVAILABLE_NAMES = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSBrokerNotFound",
  "KafkaJSMetadataNotLoaded",
  "KafkaJSTopicMetadataNotLoaded",
  "KafkaJSLockTimeout",
  "KafkaJSTimeout",
]);

interface KafkaLikeError {
  name?: string;
  type?: string;
  retriable?: boolean;
  cause?: unknown;
}

export function sendFailureKind(e: unknown, depth = 0): SendFailureKind {
  if (!e || typeof e !== "object" || depth > 5) return "unknown";
  const err = e as KafkaLikeError;
  if (err.type && TOPIC_TYPES.has(err.type)) return "topic";
  if (err.type && RECORD_TYPES.has(err.type)) return "record";
  if (err.name && UNAVAILABLE_NAMES.has(err.name)) return "unavailable";
  // Retries of a retriable error ran out: judge by what was retried (an unknown topic, or an outage).
  if (err.name === "KafkaJSNumberOfRetriesExceeded" || err.name === "KafkaJSNonRetriableError") {
    const inner = err.cause === undefined ? "unknown" : sendFailureKind(err.cause, depth + 1);
    return inner === "unknown" ? "unavailable" : inner;
  }
  // NOT_ENOUGH_REPLICAS, LEADER_NOT_AVAILABLE, REQUEST_TIMED_OUT, ...: the cluster, not the events.
  if (err.name === "KafkaJSProtocolError" && err.retriable) return "unavailable";
  return "unknown";
}

/** The first line of an error, bounded, for outbox.last_error (VARCHAR(1000)). */
export function errorLine(e: unknown): string {
  // The broker's error type may sit on a cause the retrier wrapped (KafkaJSNonRetriableError has none itself).
  let found: string | undefined;
  for (let c: unknown = e, depth = 0; c && typeof c === "object" && depth < 5 && found === undefined; c = (c as KafkaLikeError).cause, depth++) {
    const t = (c as KafkaLikeError).type;
    if (typeof t === "string") found = t;
  }
  const type = found ? `${found}: ` : "";
  const msg = e instanceof Error ? e.message : String(e);
  return `${type}${msg.split("\n")[0] ?? ""}`.slice(0, 1000);
}
