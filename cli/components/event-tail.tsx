import { useEffect, useState } from "react";
import { Box, Text, useApp, useInput, useStdin, useStdout } from "ink";
import Spinner from "ink-spinner";
import type { TailedEvent } from "../services/event-stream.js";
import { summarize } from "../services/event-format.js";
import { truncate } from "./table-layout.js";

/** Colours by event type: holds yellow, money and confirmations green, releases red, queue blue. */
export const TYPE_COLORS: Record<string, string> = {
  SeatsHeld: "yellow",
  SeatsOffered: "yellow",
  ReservationConfirmed: "green",
  ReservationCancelled: "red",
  ReservationExpired: "red",
  BalanceCharged: "cyan",
  PaymentCompleted: "green",
  TokenIssued: "blue",
  TokenActivated: "magenta",
  TokenExpired: "gray",
};

export interface EventTailProps {
  topics: string[];
  counts: Record<string, number>;
  /** Newest last. */
  events: TailedEvent[];
  /** Undefined while the consumer is still joining. */
  groupId?: string;
  problem?: string;
  width?: number;
  /** How many of the newest events to show. */
  rows?: number;
  keys?: boolean;
}

/** The live view of `events watch`: per-topic counters, then one line per event. */
export function EventTail(p: EventTailProps) {
  const { stdout } = useStdout();
  const width = Math.max(60, p.width ?? stdout.columns ?? 80);
  const rows = p.rows ?? Math.max(5, (stdout.rows ?? 24) - 6);
  const shown = p.events.slice(-rows);
  const typeWidth = 20;
  const topicWidth = Math.max(...p.topics.map((t) => t.length));
  return (
    <Box flexDirection="column" width={width}>
      <Box gap={3}>
        <Text bold>events</Text>
        {p.topics.map((t) => (
          <Text key={t}>
            {t} <Text bold>{(p.counts[t] ?? 0).toLocaleString("en-US")}</Text>
          </Text>
        ))}
        {p.groupId ? (
          <Text color="green">● live</Text>
        ) : (
          <Text color="cyan">
            <Spinner type="dots" /> joining
          </Text>
        )}
      </Box>
      <Text dimColor>{"─".repeat(width)}</Text>
      {shown.length === 0 ? <Text dimColor>{p.groupId ? "waiting for events…" : ""}</Text> : null}
      {shown.map((e) => {
        const head = `${e.time.toISOString().slice(11, 23)}  ${e.topic.padEnd(topicWidth)}  `;
        const key = `  ${e.key.padStart(8)}  `;
        const rest = width - head.length - typeWidth - key.length;
        return (
          <Text key={`${e.topic}/${e.partition}/${e.offset}`} wrap="truncate">
            <Text dimColor>{head}</Text>
            <Text color={TYPE_COLORS[e.type] ?? "white"} bold>
              {e.type.padEnd(typeWidth).slice(0, typeWidth)}
            </Text>
            <Text dimColor>{key}</Text>
            {truncate(summarize(e.type, e.payload), Math.max(10, rest))}
          </Text>
        );
      })}
      {p.problem ? <Text color="red">{p.problem}</Text> : null}
      <Text dimColor>{p.keys === false ? "Ctrl-C quit" : "q quit"}</Text>
    </Box>
  );
}

/** Where the live tail gets its events from: the command wires it to the Kafka consumer. */
export interface EventFeed {
  subscribe(listener: { event(e: TailedEvent): void; ready(groupId: string): void; problem(message: string): void }): () => void;
}

export function EventTailLive({ topics, feed, keep = 500 }: { topics: string[]; feed: EventFeed; keep?: number }) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const [events, setEvents] = useState<TailedEvent[]>([]);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [groupId, setGroupId] = useState<string>();
  const [problem, setProblem] = useState<string>();

  useInput(
    (input, key) => {
      if (input === "q" || key.escape) exit();
    },
    { isActive: isRawModeSupported === true },
  );

  useEffect(
    () =>
      feed.subscribe({
        event(e) {
          setEvents((xs) => [...xs.slice(-(keep - 1)), e]);
          setCounts((c) => ({ ...c, [e.topic]: (c[e.topic] ?? 0) + 1 }));
        },
        ready: setGroupId,
        problem: setProblem,
      }),
    [feed, keep],
  );

  return <EventTail topics={topics} counts={counts} events={events} groupId={groupId} problem={problem} keys={isRawModeSupported === true} />;
}
