import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { render as inkRender } from "ink";
import { render } from "ink-testing-library";
import { Table } from "../../cli/components/table.js";
import { displayWidth, layoutTable } from "../../cli/components/table-layout.js";
import { bucketize, sparkline } from "../../cli/components/sparkline.js";
import { QueueDashboard, QueueStatsLive, type QueueSnapshot } from "../../cli/components/queue-dashboard.js";
import { EventTail } from "../../cli/components/event-tail.js";
import type { TailedEvent } from "../../cli/services/event-stream.js";

// eslint-disable-next-line no-control-regex
const plain = (s: string | undefined) => (s ?? "").replace(/\u001b\[[0-9;]*m/g, "");
const until = async (check: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("Table", () => {
  const columns = [{ header: "id", align: "right" as const }, { header: "title", shrink: true }, { header: "venue", shrink: true }];

  it("cuts the shrinkable columns with … so every line fits the width", () => {
    const rows = [["1", "A very long concert title that cannot possibly fit", "KSPO Dome, Olympic Park, Seoul"]];
    const { lastFrame } = render(<Table columns={columns} rows={rows} width={40} />);
    const lines = plain(lastFrame()).split("\n");
    expect(lines[0]).toMatch(/^id\s+title\s+venue$/);
    expect(lines[2]).toContain("…");
    expect(lines[2]).toMatch(/^ 1  A very long/);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(40);
  });

  it("leaves a table that fits alone and aligns wide (Hangul) text by terminal cells", () => {
    const lines = layoutTable(columns, [["2", "아이유 콘서트", "KSPO"], ["10", "IU", "Hall"]]);
    expect(lines).toEqual(["id  title          venue", " 2  아이유 콘서트  KSPO", "10  IU             Hall"]);
  });

  it("says so when there are no rows", () => {
    const { lastFrame } = render(<Table columns={columns} rows={[]} empty="no concerts yet" width={60} />);
    expect(plain(lastFrame())).toContain("no concerts yet");
  });
});

describe("Sparkline", () => {
  it("scales from zero to the largest value", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([0, 0, 0])).toBe("▁▁▁");
    expect(sparkline([undefined, 4, 8])).toBe(" ▅█");
  });

  it("spreads timed samples over the window, holding the last value through gaps", () => {
    const now = 60_000;
    const samples = [
      { at: 1_000, value: 9 }, // before the window: ignored
      { at: 31_000, value: 2 },
      { at: 32_000, value: 4 }, // same slice as the one before: the max wins
      { at: 55_000, value: 1 },
    ];
    expect(bucketize(samples, now, 30_000, 6)).toEqual([4, 4, 4, 4, 4, 1]);
    expect(bucketize([{ at: 50_000, value: 3 }], now, 30_000, 3)).toEqual([undefined, undefined, 3]);
  });
});

const snapshot = (over: Partial<QueueSnapshot["stats"]> = {}, at = 1_000_000): QueueSnapshot => ({
  at,
  stats: { waiting: 1234, active: 87, maxActive: 100, admittedTotal: 4321, ratePerSecond: 3.2, ...over },
  head: [
    { userId: "1001", position: 1, enteredAt: new Date(at - 123_000) },
    { userId: "1002", position: 2, enteredAt: new Date(at - 5_000) },
  ],
});

describe("QueueDashboard", () => {
  it("shows waiting, active / max_active, admitted, rate, the sparkline and the head of the line", () => {
    const snap = snapshot();
    const history = [0, 200, 400, 800, 1234].map((value, i) => ({ at: snap.at - (4 - i) * 60_000, value }));
    const { lastFrame } = render(
      <QueueDashboard concertId="12" title="IU 2026" snapshot={snap} history={history} windowMs={300_000} intervalMs={1000} now={snap.at} width={100} />,
    );
    const f = plain(lastFrame());
    expect(f).toContain("Queue · concert 12 · IU 2026");
    expect(f).toMatch(/waiting 1,234/);
    expect(f).toMatch(/active 87 \/ 100 █{9}░/);
    expect(f).toContain("admitted 4,321");
    expect(f).toContain("rate 3.2/s");
    expect(f).toMatch(/waiting, last 5m\s+[▁▂▃▄▅▆▇█ ]*█/);
    expect(f).toContain("peak 1,234 · clears in ~6m 26s");
    expect(f).toMatch(/1\s+1001\s+2m 03s/);
    expect(f).toMatch(/2\s+1002\s+5s/);
    expect(f).toContain("q quit · refresh every 1s");
  });

  it("says admission is paused when max_active is 0, and shows a spinner before the first answer", () => {
    const paused = render(
      <QueueDashboard concertId="3" snapshot={snapshot({ maxActive: 0, active: 0 })} history={[]} windowMs={60_000} intervalMs={2000} now={1_000_000} width={100} />,
    );
    expect(plain(paused.lastFrame())).toContain("admission paused (max_active 0)");
    const loading = render(<QueueDashboard concertId="3" history={[]} windowMs={60_000} intervalMs={1000} now={0} width={80} />);
    expect(plain(loading.lastFrame())).toContain("asking the server…");
  });
});

describe("QueueStatsLive", () => {
  it("refreshes from the poll, keeps going past a failed refresh, and stops polling on q", async () => {
    let calls = 0;
    const poll = async () => {
      calls += 1;
      if (calls === 3) throw new Error("cannot reach the server");
      return snapshot({ waiting: calls * 10 }, 1_000_000 + calls * 1000);
    };
    const { frames, stdin } = render(<QueueStatsLive concertId="7" poll={poll} intervalMs={40} now={() => 1_000_000 + calls * 1000} />);
    // Every rendered frame, not just the last: each state lasts one 40 ms poll, which a loaded machine's
    // check of the last frame can miss.
    const shown = (check: (f: string) => boolean) => until(() => frames.some((f) => check(plain(f))), 10_000);
    await shown((f) => f.includes("waiting 20"));
    await shown((f) => f.includes("cannot reach the server · retrying"));
    await shown((f) => f.includes("waiting 40") && !f.includes("retrying"));
    stdin.write("q");
    await new Promise((r) => setTimeout(r, 100));
    const after = calls;
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(after);
  });

  it("ends with the error when the very first refresh fails (wrong id, not an admin, server down)", async () => {
    const stdout = Object.assign(new EventEmitter(), { columns: 80, rows: 24, write: () => true });
    const stdin = Object.assign(new EventEmitter(), { isTTY: false, setEncoding() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null });
    const app = inkRender(<QueueStatsLive concertId="7" poll={() => Promise.reject(new Error("not found: concert 7 does not exist"))} intervalMs={40} />, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      patchConsole: false,
    });
    await expect(app.waitUntilExit()).rejects.toThrow("concert 7 does not exist");
  });
});

const event = (type: string, topic: TailedEvent["topic"], offset: number, payload: object): TailedEvent => ({
  topic,
  partition: 0,
  offset: String(offset),
  key: String(offset),
  eventId: `e-${offset}`,
  type,
  time: new Date(Date.UTC(2026, 4, 1, 10, 30, offset)),
  payload,
});

describe("EventTail", () => {
  const topics = ["reservation-events", "payment-events", "queue-events"];

  it("shows per-topic counters and one summarised line per event, newest last, cut to the rows that fit", () => {
    const events = [
      event("TokenIssued", "queue-events", 1, { concertId: "3", userId: "7", position: "1" }),
      event("SeatsHeld", "reservation-events", 2, { reservationId: "41", userId: "7", scheduleId: "5", seatNumbers: [3, 4], totalPrice: "300000", heldUntil: "2026-05-01T10:35:02Z" }),
      event("PaymentCompleted", "payment-events", 3, { paymentId: "9", reservationId: "41", userId: "7", amount: "300000", balance: "0" }),
    ];
    const { lastFrame } = render(
      <EventTail topics={topics} counts={{ "reservation-events": 12, "queue-events": 40 }} events={events} groupId="g" rows={2} width={170} />,
    );
    const f = plain(lastFrame());
    expect(f).toMatch(/reservation-events 12\s+payment-events 0\s+queue-events 40\s+● live/);
    expect(f).not.toContain("TokenIssued"); // scrolled off: only 2 rows fit
    expect(f).toMatch(/10:30:02\.000\s+reservation-events\s+SeatsHeld\s+2\s+reservation 41 · user 7 · schedule 5 · seats 3,4 · ₩300,000 · until 10:35:02/);
    expect(f).toMatch(/payment-events\s+PaymentCompleted\s+3\s+payment 9 · reservation 41 · user 7 · -₩300,000 · balance ₩0/);
    expect(f.indexOf("SeatsHeld")).toBeLessThan(f.indexOf("PaymentCompleted"));
  });

  it("shows that it is still joining before the consumer group is up", () => {
    const { lastFrame } = render(<EventTail topics={topics} counts={{}} events={[]} width={100} />);
    expect(plain(lastFrame())).toContain("joining");
  });
});
