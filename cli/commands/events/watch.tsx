import { InvalidArgumentError, type Command } from "commander";
import { cliConfig } from "../../config.js";
import type { EventFeed } from "../../components/event-tail.js";
import { brokerList, withKafkaOptions } from "../../services/connection-options.js";
import { EVENT_TOPICS, EVENT_TYPES, openEventStream, type EventStream, type EventTopic, type TailedEvent } from "../../services/event-stream.js";
import { eventJson, eventLine } from "../../services/event-format.js";
import { isInteractive, printJson } from "../../services/output.js";
import { untilStopped } from "../../services/stop-signal.js";
import { examples, withJson } from "../command-helpers.js";

const ALL_TYPES = Object.values(EVENT_TYPES).flat();

function topicFlag(raw: string, previous: EventTopic[] = []): EventTopic[] {
  const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(EVENT_TOPICS as readonly string[]).includes(n)) throw new InvalidArgumentError(`Expected one of ${EVENT_TOPICS.join(", ")}.`);
  }
  return [...previous, ...(names as EventTopic[])];
}

function typeFlag(raw: string, previous: string[] = []): string[] {
  const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!ALL_TYPES.includes(n)) throw new InvalidArgumentError(`Expected event types among ${ALL_TYPES.join(", ")}.`);
  }
  return [...previous, ...names];
}

interface WatchOptions {
  topic?: EventTopic[];
  type?: string[];
  fromBeginning?: boolean;
  json?: boolean;
  brokers: string;
}

export function register(parent: Command): void {
  const cmd = parent
    .command("watch")
    .description("live tail of the Kafka topics, one line per event, through a consumer group of its own (honours KAFKA_TOPIC_PREFIX)")
    .option("--topic <name>", `a topic to watch, repeatable (default: all of ${EVENT_TOPICS.join(", ")})`, topicFlag)
    .option("--type <EventType>", "only these event types, repeatable (e.g. SeatsHeld)", typeFlag)
    .option("--from-beginning", "replay each topic from its first retained event instead of from now");
  withJson(withKafkaOptions(cmd));
  examples(
    cmd,
    "concert-admin events watch",
    "concert-admin events watch --topic reservation-events --type SeatsHeld --type ReservationConfirmed",
    "concert-admin events watch --json | jq -c 'select(.type == \"PaymentCompleted\") | .event'",
  );
  cmd.action(async (opts: WatchOptions) => {
    const topics = [...new Set(opts.topic?.length ? opts.topic : EVENT_TOPICS)];
    const base = {
      brokers: brokerList(opts.brokers),
      topics,
      prefix: cliConfig().kafkaTopicPrefix,
      fromBeginning: !!opts.fromBeginning,
      types: opts.type ?? [],
    };
    let stream: EventStream | undefined;

    if (opts.json || !isInteractive()) {
      await untilStopped(
        async (stopped) => {
          stream = await openEventStream({
            ...base,
            onEvent: (e) => (opts.json ? printJson(eventJson(e)) : process.stdout.write(`${eventLine(e)}\n`)),
            // stderr, so stdout stays pure data; tests and scripts wait for this line.
            onReady: ({ groupId, topics: names }) => process.stderr.write(`concert-admin: watching ${names.join(", ")} as ${groupId}; Ctrl-C to stop\n`),
            onTrouble: (m) => process.stderr.write(`concert-admin: ${m}\n`),
          });
          if (!stopped()) await new Promise(() => {});
        },
        () => stream?.close(),
      );
      await stream?.close();
      return;
    }

    type Listener = Parameters<EventFeed["subscribe"]>[0];
    const listeners = new Set<Listener>();
    const feed: EventFeed = {
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const { render, EventTailLive } = await import("../../components/ui.js");
    const app = render(<EventTailLive topics={topics} feed={feed} />, { patchConsole: false });
    try {
      stream = await openEventStream({
        ...base,
        onEvent: (e: TailedEvent) => listeners.forEach((l) => l.event(e)),
        onReady: ({ groupId }) => listeners.forEach((l) => l.ready(groupId)),
        onTrouble: (m) => listeners.forEach((l) => l.problem(m)),
      });
    } catch (e) {
      app.unmount();
      throw e;
    }
    await untilStopped(() => app.waitUntilExit(), () => app.unmount());
    await stream.close();
  });
}
