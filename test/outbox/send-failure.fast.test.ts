import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { errorLine, sendFailureKind } from "../../server/outbox/send-failure.js";

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSNonRetriableError, KafkaJSRequestTimeoutError } = kafkajs;

const protocol = (type: string, retriable: boolean) => new KafkaJSProtocolError({ type, code: 0, retriable, message: `${type} message` } as never);

describe("sendFailureKind: whose fault a refused send is", () => {
  it("outages count against no event", () => {
    expect(sendFailureKind(new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:1"))).toBe("unavailable");
    expect(sendFailureKind(new KafkaJSRequestTimeoutError("Request Produce timed out" as never))).toBe("unavailable");
    expect(sendFailureKind(protocol("NOT_ENOUGH_REPLICAS", true))).toBe("unavailable");
    expect(sendFailureKind(new KafkaJSNumberOfRetriesExceeded(protocol("LEADER_NOT_AVAILABLE", true), { retryCount: 3, retryTime: 1000 }))).toBe("unavailable");
    expect(sendFailureKind(new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError("down"), { retryCount: 3, retryTime: 1000 }))).toBe("unavailable");
  });

  it("refusals of the records or the topic count, also when wrapped by the retrier", () => {
    expect(sendFailureKind(protocol("MESSAGE_TOO_LARGE", false))).toBe("record");
    // As kafkajs' retrier wraps a non-retriable error: the original is the cause.
    const invalid = protocol("INVALID_RECORD", false);
    expect(sendFailureKind(Object.assign(new KafkaJSNonRetriableError(invalid), { cause: invalid }))).toBe("record");
    expect(errorLine(Object.assign(new KafkaJSNonRetriableError(invalid), { cause: invalid }))).toMatch(/^INVALID_RECORD: /);
    expect(sendFailureKind(protocol("TOPIC_AUTHORIZATION_FAILED", false))).toBe("topic");
    expect(sendFailureKind(new KafkaJSNumberOfRetriesExceeded(protocol("UNKNOWN_TOPIC_OR_PARTITION", true), { retryCount: 3, retryTime: 1000 }))).toBe("topic");
  });

  it("anything else is unknown, and the stored error line is one bounded line with the broker's error type", () => {
    expect(sendFailureKind(new Error("something odd"))).toBe("unknown");
    expect(sendFailureKind(undefined)).toBe("unknown");
    expect(errorLine(protocol("MESSAGE_TOO_LARGE", false))).toBe("MESSAGE_TOO_LARGE: MESSAGE_TOO_LARGE message");
    expect(errorLine(new Error(`${"x".repeat(2000)}\nsecond line`))).toHaveLength(1000);
  });
});
