#!/usr/bin/env node
/**
 * A sale's opening (its own process): every prepared fan calls IssueToken at once (Connect JSON over
 * HTTP/2, `inFlight` calls at a time), then polls GetQueueStatus exactly as next_poll_after_ms says
 * for `pollS` seconds. Reports the time until every fan had a place, and the line's total poll rate.
 * Job: { url, concertId, connections, inFlight, pollS, items: [{ jwt }] }
 */
import fs from "node:fs";
import http2 from "node:http2";
import { summarize } from "../lib/percentiles.mjs";

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const N = job.items.length;
const sessions = Array.from({ length: job.connections }, () => http2.connect(job.url).on("error", () => {}));
let rr = 0;

function call(path, headers, body) {
  return new Promise((resolve, reject) => {
    const s = sessions[rr++ % sessions.length].request({ ":method": "POST", ":path": path, "content-type": "application/json", ...headers });
    const chunks = [];
    let status = 0;
    s.on("response", (h) => (status = h[":status"]));
    s.on("data", (c) => chunks.push(c));
    s.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      try {
        resolve({ status, body: JSON.parse(text) });
      } catch {
        resolve({ status, body: { code: "unparsable", text } });
      }
    });
    s.on("error", reject);
    s.end(JSON.stringify(body));
  });
}

const tickets = new Array(N);
const issueLat = [];
const errors = {};
const t0 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: job.inFlight }, async () => {
  while (next < N) {
    const i = next++;
    const t = performance.now();
    const r = await call("/concert.v1.QueueService/IssueToken", { authorization: `Bearer ${job.items[i].jwt}` }, { concertId: String(job.concertId) });
    issueLat.push(performance.now() - t);
    if (r.status === 200) tickets[i] = r.body.ticket;
    else errors[r.body.code] = (errors[r.body.code] ?? 0) + 1;
  }
}));
const allPlacedMs = performance.now() - t0;
const placed = tickets.filter(Boolean).length;

// Poll phase: each fan waits its hint, polls, and follows the new hint.
let polls = 0;
let limited = 0;
let stop = false;
const pollStart = performance.now();
const hints = [];
for (let i = 0; i < N; i++) if (tickets[i]) hints.push(tickets[i].nextPollAfterMs ?? 0);
const timers = [];
function schedule(i, ms) {
  if (stop || !ms) return;
  timers[i] = setTimeout(async () => {
    if (stop) return;
    const r = await call("/concert.v1.QueueService/GetQueueStatus",
      { authorization: `Bearer ${job.items[i].jwt}`, "x-queue-token": tickets[i].token }, {}).catch((e) => {
      errors[e.code ?? e.message] = (errors[e.code ?? e.message] ?? 0) + 1;
      return undefined;
    });
    if (stop || !r) return;
    polls++;
    if (r.status !== 200) {
      if (r.body.code === "resource_exhausted") limited++;
      errors[r.body.code] = (errors[r.body.code] ?? 0) + 1;
      return;
    }
    schedule(i, r.body.ticket.nextPollAfterMs ?? 0);
  }, ms);
}
for (let i = 0; i < N; i++) if (tickets[i]) schedule(i, tickets[i].nextPollAfterMs ?? 0);
await new Promise((r) => setTimeout(r, job.pollS * 1000));
stop = true;
const pollSeconds = (performance.now() - pollStart) / 1000;
for (const t of timers) if (t) clearTimeout(t);
for (const s of sessions) s.close();

console.log(JSON.stringify({
  fans: N,
  placed,
  timeUntilAllPlacedMs: Math.round(allPlacedMs),
  issueTokenPerSecond: Math.round(placed / (allPlacedMs / 1000)),
  issueTokenLatencyMs: summarize(issueLat),
  pollSeconds: +pollSeconds.toFixed(1),
  polls,
  pollsPerSecond: Math.round(polls / pollSeconds),
  rateLimited: limited,
  hintMs: summarize(hints),
  errors,
}));
process.exit(0);
