import { useEffect, useRef, useState } from "react";
import { Box, Text, useApp, useInput, useStdin, useStdout } from "ink";
import Spinner from "ink-spinner";
import { bucketize, Sparkline, type Sample } from "./sparkline.js";
import { Table } from "./table.js";
import { humanDuration } from "../services/output.js";

export interface QueueStatsView {
  waiting: number;
  active: number;
  maxActive: number;
  admittedTotal: number;
  ratePerSecond: number;
}

export interface QueueHeadEntry {
  userId: string;
  position: number;
  enteredAt?: Date;
}

export interface QueueSnapshot {
  stats: QueueStatsView;
  head: QueueHeadEntry[];
  /** When it was taken, ms since the epoch. */
  at: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");


function gauge(active: number, max: number, cells = 10): string {
  if (max <= 0) return "░".repeat(cells);
  const full = Math.min(cells, Math.round((active / max) * cells));
  return "█".repeat(full) + "░".repeat(cells - full);
}

export interface QueueDashboardProps {
  concertId: string;
  title?: string;
  snapshot?: QueueSnapshot;
  /** Waiting counts over time, for the sparkline. */
  history: Sample[];
  windowMs: number;
  intervalMs: number;
  /** Why the last refresh failed, while the dashboard keeps retrying. */
  problem?: string;
  now: number;
  width?: number;
  /** False when keys cannot be read (stdin not a terminal): then only Ctrl-C stops it. */
  keys?: boolean;
}

/** The live waiting-room view of `queue stats --watch`: what an operator watches when a sale opens. */
export function QueueDashboard(p: QueueDashboardProps) {
  const { stdout } = useStdout();
  const width = Math.max(50, p.width ?? stdout.columns ?? 80);
  const inner = width - 4;
  const s = p.snapshot?.stats;
  const paused = s !== undefined && s.maxActive === 0;
  const label = `${Math.round(p.windowMs / 60_000)}m`;
  const peak = Math.max(0, ...p.history.filter((h) => h.at >= p.now - p.windowMs).map((h) => h.value));
  const clears = s && s.waiting > 0 && s.ratePerSecond > 0 ? `clears in ~${humanDuration((s.waiting / s.ratePerSecond) * 1000)}` : undefined;
  const sparkLabel = `waiting, last ${label}`;
  const sparkNote = `peak ${fmt(peak)}${clears ? ` · ${clears}` : ""}`;
  // The sparkline takes what the label and the note leave of the row, so the row never wraps.
  const spark = bucketize(p.history, p.now, p.windowMs, Math.max(10, Math.min(90, inner - sparkLabel.length - sparkNote.length - 4)));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={p.problem ? "red" : "cyan"} paddingX={1} width={width}>
      <Box justifyContent="space-between">
        <Text bold>
          Queue · concert {p.concertId}
          {p.title ? ` · ${p.title}` : ""}
        </Text>
        <Text dimColor>
          {p.snapshot ? `updated ${new Date(p.snapshot.at).toISOString().slice(11, 19)}Z` : ""}
        </Text>
      </Box>
      {!s ? (
        <Text>
          <Text color="cyan">
            <Spinner type="dots" />
          </Text>{" "}
          asking the server…
        </Text>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          <Box gap={4}>
            <Text>
              waiting <Text bold color="yellow">{fmt(s.waiting)}</Text>
            </Text>
            <Text>
              active <Text bold color="green">{fmt(s.active)}</Text> / {fmt(s.maxActive)} <Text color="green">{gauge(s.active, s.maxActive)}</Text>
            </Text>
            <Text>
              admitted <Text bold>{fmt(s.admittedTotal)}</Text>
            </Text>
            <Text>
              rate <Text bold>{s.ratePerSecond.toFixed(1)}</Text>/s
            </Text>
          </Box>
          {paused ? <Text color="yellow">admission paused (max_active 0): everyone waits until `queue policy --max-active N`</Text> : null}
          <Box marginTop={1} gap={2}>
            <Text dimColor wrap="truncate">{sparkLabel}</Text>
            <Sparkline values={spark} />
            <Text dimColor wrap="truncate">{sparkNote}</Text>
          </Box>
          <Box marginTop={1} flexDirection="column">
            <Text underline>head of the queue</Text>
            <Table
              width={inner}
              columns={[{ header: "pos", align: "right" }, { header: "user", align: "right" }, { header: "waiting for", align: "right" }]}
              rows={p.snapshot!.head.map((e) => [String(e.position), e.userId, e.enteredAt ? humanDuration(p.now - e.enteredAt.getTime()) : "?"])}
              empty="nobody is waiting"
            />
          </Box>
        </Box>
      )}
      {p.problem ? <Text color="red">{p.problem} · retrying</Text> : null}
      <Text dimColor>
        {"\n"}
        {p.keys === false ? "Ctrl-C quit" : "q quit"} · refresh every {p.intervalMs / 1000}s
      </Text>
    </Box>
  );
}

export interface QueueStatsLiveProps {
  concertId: string;
  title?: string;
  /** One refresh: stats and the head of the line. A failure of the first one ends the view. */
  poll(): Promise<QueueSnapshot>;
  intervalMs: number;
  windowMs?: number;
  /** The clock, replaceable in tests. */
  now?: () => number;
}

/** Polls the server and keeps the dashboard current until q, Esc or Ctrl-C. */
export function QueueStatsLive({ concertId, title, poll, intervalMs, windowMs = 5 * 60_000, now = Date.now }: QueueStatsLiveProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const [snapshot, setSnapshot] = useState<QueueSnapshot>();
  const [history, setHistory] = useState<Sample[]>([]);
  const [problem, setProblem] = useState<string>();
  const [clock, setClock] = useState(now());
  const got = useRef(false);

  useInput(
    (input, key) => {
      if (input === "q" || key.escape) exit();
    },
    { isActive: isRawModeSupported === true },
  );

  useEffect(() => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      try {
        const snap = await poll();
        if (stopped) return;
        got.current = true;
        setSnapshot(snap);
        setProblem(undefined);
        setHistory((h) => [...h.filter((x) => x.at >= snap.at - windowMs), { at: snap.at, value: snap.stats.waiting }]);
      } catch (e) {
        if (stopped) return;
        // Before the first answer there is nothing to show: wrong id, not an admin, server down.
        if (!got.current) return exit(e instanceof Error ? e : new Error(String(e)));
        setProblem(e instanceof Error ? e.message : String(e));
      }
      setClock(now());
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [poll, intervalMs, windowMs, now, exit]);

  return (
    <QueueDashboard
      concertId={concertId}
      title={title}
      snapshot={snapshot}
      history={history}
      windowMs={windowMs}
      intervalMs={intervalMs}
      problem={problem}
      now={clock}
      keys={isRawModeSupported === true}
    />
  );
}
