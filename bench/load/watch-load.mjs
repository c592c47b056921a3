#!/usr/bin/env node
/**
 * WatchQueueStatus load generator (its own process): opens one Connect (JSON, enveloped) server
 * stream per prepared fan over `connections` HTTP/2 sessions, then admits fans with SetQueuePolicy
 * and times how long each stream takes to hear about it. Samples /healthz meanwhile and reads the
 * server's RSS from /proc. Prints one JSON result on stdout.
 * Job: { url, serverPid, concertId, adminJwt, admitTo, connections, items: [{ jwt, qt }], timeoutS }
 */
import fs from "node:fs";
import http2 from "node:http2";
import { summarize } from "../lib/percentiles.mjs";

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const N = job.items.length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** RSS of the server process and its children (WORKERS=1: the process itself), in bytes. */
function treeRss(pid) {
  const kids = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) kids.push(Number(d));
    } catch { /* gone */ }
  }
  const rss = (p) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"))[1]) * 1024;
    } catch {
      return 0;
    }
  };
  return rss(pid) + kids.reduce((s, k) => s + rss(k), 0);
}

/** CPU time (user + system) the server process has used, in ms (/proc/<pid>/stat; clock ticks of 10 ms). */
function serverCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/** The server's own memory figures (prom-client default metrics on /metrics), in bytes. */
async function serverMemory() {
  try {
    const text = await (await fetch(`${job.url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
    const get = (name) => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, "m").exec(text);
      return m ? Number(m[1]) : null;
    };
    return {
      rss: get("process_resident_memory_bytes"),
      heapUsed: get("nodejs_heap_size_used_bytes"),
      heapTotal: get("nodejs_heap_size_total_bytes"),
      external: get("nodejs_external_memory_bytes"),
    };
  } catch {
    return null;
  }
}

// /healthz sampled every 50 ms over HTTP/1.1 for the whole run.
const health = [];
let sampling = true;
const healthLoop = (async () => {
  while (sampling) {
    const t = performance.now();
    try {
      await fetch(`${job.url}/healthz`, { signal: AbortSignal.timeout(30_000) });
      health.push(performance.now() - t);
    } catch {
      health.push(30_000);
    }
    await sleep(50);
  }
})();

const envelope = (obj) => {
  const body = Buffer.from(JSON.stringify(obj));
  const b = Buffer.alloc(5 + body.length);
  b.writeUInt32BE(body.length, 1);
  body.copy(b, 5);
  return b;
};
const REQ = envelope({});

const firstAt = new Float64Array(N);
const lastAt = new Float64Array(N);
const messages = new Uint32Array(N);
const finalState = new Array(N);
let withFirst = 0;
let errors = 0;
const errorKinds = {};

// Connected when first used, and replaced once the server has sent GOAWAY or closed it: at 50,000 streams
// the last connections get their first stream minutes after the first, and a connection opened up front
// and left without a stream meets the server's idle timeout (IDLE_TIMEOUT_MS, 60 s) first.
const sessions = new Array(job.connections);
let reconnects = 0;
function sessionFor(k) {
  const old = sessions[k];
  if (old && !old.closed && !old.destroyed && !old.goneAway) return old;
  if (old) reconnects++;
  const s = http2.connect(job.url);
  s.on("error", (e) => (errorKinds[e.code ?? e.message] = (errorKinds[e.code ?? e.message] ?? 0) + 1));
  s.on("goaway", () => (s.goneAway = true));
  sessions[k] = s;
  return s;
}

function open(i) {
  const it = job.items[i];
  const stream = sessionFor(i % job.connections).request({
    ":method": "POST",
    ":path": "/concert.v1.QueueService/WatchQueueStatus",
    "content-type": "application/connect+json",
    "connect-protocol-version": "1",
    authorization: `Bearer ${it.jwt}`,
    "x-queue-token": it.qt,
  });
  let buf = Buffer.alloc(0);
  stream.on("data", (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      const flags = buf[0];
      const msg = JSON.parse(buf.subarray(5, 5 + len).toString());
      buf = buf.subarray(5 + len);
      if (flags & 2) {
        if (msg.error) {
          errors++;
          errorKinds[msg.error.code] = (errorKinds[msg.error.code] ?? 0) + 1;
        }
        continue;
      }
      const now = performance.now();
      if (messages[i]++ === 0) {
        firstAt[i] = now;
        withFirst++;
      }
      lastAt[i] = now;
      finalState[i] = msg.ticket?.state;
    }
  });
  stream.on("error", (e) => {
    errors++;
    errorKinds[e.code ?? e.message] = (errorKinds[e.code ?? e.message] ?? 0) + 1;
  });
  stream.end(REQ);
}

const memBefore = await serverMemory();
const rssBefore = treeRss(job.serverPid);
const cpuBefore = serverCpuMs(job.serverPid);
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  open(i);
  if (i % 500 === 499) await new Promise((r) => setImmediate(r));
}
const openedMs = performance.now() - t0;
const deadline = Date.now() + job.timeoutS * 1000;
while (withFirst < N && Date.now() < deadline) await sleep(50);
const allFirstMs = performance.now() - t0;
const cpuOpen = serverCpuMs(job.serverPid);
const healthDuringOpen = summarize(health.slice());
await sleep(1000);
const rssOpen = treeRss(job.serverPid);
const memOpen = await serverMemory();

// Admission: the head `admitTo` fans turn ACTIVE and everyone behind moves up, so every stream is affected.
const before = Float64Array.from(lastAt);
const healthMark = health.length;
const tAdmit = performance.now();
const r = await fetch(`${job.url}/concert.v1.AdminService/SetQueuePolicy`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${job.adminJwt}` },
  body: JSON.stringify({ concertId: String(job.concertId), maxActive: job.admitTo }),
});
if (!r.ok) throw new Error(`SetQueuePolicy: ${r.status} ${await r.text()}`);
const updated = () => {
  let n = 0;
  for (let i = 0; i < N; i++) if (lastAt[i] > before[i] && lastAt[i] >= tAdmit) n++;
  return n;
};
const deadline2 = Date.now() + job.timeoutS * 1000;
while (updated() < N && Date.now() < deadline2) await sleep(100);
const lat = [];
for (let i = 0; i < N; i++) if (lastAt[i] >= tAdmit && lastAt[i] > before[i]) lat.push(lastAt[i] - tAdmit);
// lastAt may include a later second update for a few; the first after tAdmit is what counts, so this is an upper bound.
const healthDuringUpdate = summarize(health.slice(healthMark));
const active = finalState.filter((s) => s === "QUEUE_STATE_ACTIVE").length;

// destroy, not close: close() waits for the streams still WAITING, which never end by themselves.
for (const s of sessions) s?.destroy();
sampling = false;
await healthLoop;
await sleep(5000);
const rssAfterClose = treeRss(job.serverPid);
const memAfterClose = await serverMemory();
const firsts = [];
for (let i = 0; i < N; i++) if (messages[i] > 0) firsts.push(firstAt[i] - t0);

const mb = (b) => +(b / 1048576).toFixed(1);
console.log(JSON.stringify({
  streams: N,
  connections: job.connections,
  openedInMs: Math.round(openedMs),
  streamsWithFirstMessage: withFirst,
  timeUntilEveryFirstMessageMs: withFirst === N ? Math.round(allFirstMs) : null,
  firstMessageMs: summarize(firsts),
  rssMB: { before: mb(rssBefore), open: mb(rssOpen), afterClose5s: mb(rssAfterClose) },
  memoryPerStreamKB: +((rssOpen - rssBefore) / N / 1024).toFixed(1),
  // Server CPU spent while the streams opened and got their first message, per stream: what a crowd of
  // watchers costs the event loop, independent of how many other processes share the cores.
  serverCpuMsPerStreamOpen: cpuBefore !== null && cpuOpen !== null ? +((cpuOpen - cpuBefore) / N).toFixed(3) : null,
  // Where the memory is: V8 heap in use, and memory outside the heap (Buffers, nghttp2 via external), per stream.
  heapPerStreamKB: memBefore && memOpen ? +((memOpen.heapUsed - memBefore.heapUsed) / N / 1024).toFixed(1) : null,
  externalPerStreamKB: memBefore && memOpen ? +((memOpen.external - memBefore.external) / N / 1024).toFixed(1) : null,
  serverMemoryMB: Object.fromEntries(Object.entries({ before: memBefore, open: memOpen, afterClose5s: memAfterClose })
    .map(([k, v]) => [k, v && Object.fromEntries(Object.entries(v).map(([f, b]) => [f, b === null ? null : mb(b)]))])),
  admission: { admitted: job.admitTo, streamsUpdated: lat.length, activeSeen: active, admissionToUpdateMs: summarize(lat) },
  healthzMs: { duringOpen: healthDuringOpen, duringUpdate: healthDuringUpdate },
  errors,
  errorKinds,
  reconnects,
}));
process.exit(0);
