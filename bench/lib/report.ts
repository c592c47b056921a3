/** The Markdown summary of one result JSON (the README table is copied from it). */
const f = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toLocaleString("en-US"));
const errs = (e: Record<string, number> | undefined) => {
  const list = Object.entries(e ?? {}).filter(([, n]) => n > 0);
  return list.length ? list.map(([k, n]) => `${k} ${n}`).join(", ") : "0";
};
const lat = (l: any) => `${f(l?.p50)} / ${f(l?.p95)} / ${f(l?.p99)}`;

export function renderMarkdown(r: any): string {
  const m = r.machine;
  const rows: string[] = [];
  const row = (s: string, proto: string, w: string, rps: number, l: any, e: any, gen?: number) =>
    rows.push(`| ${s} | ${proto} | ${w} | ${f(rps)} | ${lat(l)} | ${errs(e)} | ${gen ?? "—"} |`);
  for (const w of [1, 2]) {
    const p = r.phases?.[`workers${w}`];
    if (!p) continue;
    row("b. bare node:http JSON", "HTTP/1.1 JSON", String(w), p.b.bareHttp.rps, p.b.bareHttp.latencyMs, p.b.bareHttp.errors, p.b.bareHttp.generatorCpuCores);
    if (p.b.minimalConnect) row("b. minimal Connect-Node server, one no-op handler", "Connect JSON", String(w), p.b.minimalConnect.rps, p.b.minimalConnect.latencyMs, p.b.minimalConnect.errors, p.b.minimalConnect.generatorCpuCores);
    row("b. no-op RPC (Health/Check)", "Connect JSON", String(w), p.b.healthCheck.connect.rps, p.b.healthCheck.connect.latencyMs, p.b.healthCheck.connect.errors, p.b.healthCheck.connect.generatorCpuCores);
    row("b. no-op RPC (Health/Check)", "gRPC", String(w), p.b.healthCheck.grpc.rps, p.b.healthCheck.grpc.latencyMs, p.b.healthCheck.grpc.errors, p.b.healthCheck.grpc.generatorCpuCores);
    row("a. IssueToken (new fan each call)", "Connect JSON", String(w), p.a.issueToken.connect.rps, p.a.issueToken.connect.latencyMs, p.a.issueToken.connect.errors, p.a.issueToken.connect.generatorCpuCores);
    row("a. IssueToken (new fan each call)", "gRPC", String(w), p.a.issueToken.grpc.rps, p.a.issueToken.grpc.latencyMs, p.a.issueToken.grpc.errors, p.a.issueToken.grpc.generatorCpuCores);
    row("a. GetQueueStatus", "Connect JSON", String(w), p.a.getQueueStatus.connect.rps, p.a.getQueueStatus.connect.latencyMs, p.a.getQueueStatus.connect.errors, p.a.getQueueStatus.connect.generatorCpuCores);
    row("a. GetQueueStatus", "gRPC", String(w), p.a.getQueueStatus.grpc.rps, p.a.getQueueStatus.grpc.latencyMs, p.a.getQueueStatus.grpc.errors, p.a.getQueueStatus.grpc.generatorCpuCores);
    row("e. hold-then-pay (purchases/s; latency of both RPCs)", "gRPC", String(w), p.e.purchasesPerSecond, p.e.latencyMs, p.e.errors, p.e.generatorCpuCores);
  }
  // --scaled: IssueToken and hold-then-pay on the scaled topology (and, with BENCH_ONLY=scaled, on single-node beside it)
  for (const [label, p] of [["1, single-node", r.singleNode], ["1, scaled", r.scaled]] as const) {
    if (!p) continue;
    row("a. IssueToken (new fan each call)", "Connect JSON", label, p.a.issueToken.connect.rps, p.a.issueToken.connect.latencyMs, p.a.issueToken.connect.errors, p.a.issueToken.connect.generatorCpuCores);
    row("a. IssueToken (new fan each call)", "gRPC", label, p.a.issueToken.grpc.rps, p.a.issueToken.grpc.latencyMs, p.a.issueToken.grpc.errors, p.a.issueToken.grpc.generatorCpuCores);
    row("e. hold-then-pay (purchases/s; latency of both RPCs)", "gRPC", label, p.e.purchasesPerSecond, p.e.latencyMs, p.e.errors, p.e.generatorCpuCores);
  }
  const c = r.c;
  const w2 = r.phases?.workers2;
  const out: string[] = [];
  out.push(`# Benchmark ${r.startedAt} (${r.mode})`, "");
  out.push(`Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, Redis ${m.redis}, ${m.os}. ` +
    `The server, MySQL, Redis, Kafka and the load generators all share these ${m.cores} cores. ` +
    `Load average (1 min) at start ${r.quiet.load1AtStart}${r.quiet.quiet ? "" : " (not quiet: other work was running)"}, at end ${r.load1AtEnd}; waited ${r.quiet.waitedS} s for quiet. Run took ${r.elapsedS} s.`, "");
  out.push(`Load: ${r.settings.connections} connections (autocannon) / ${r.settings.connections} calls in flight over 4 HTTP/2 connections (grpc-js), ${r.settings.durationS} s per run.`, "");
  out.push("| scenario | protocol | workers | throughput /s | p50 / p95 / p99 ms | errors | generator CPU (cores) |", "| --- | --- | --- | ---: | --- | --- | ---: |", ...rows, "");
  if (c) out.push("**c. Storage baseline** (" + c.tool + ")", "", "| command | ops/s | p50 / p95 / p99 ms |", "| --- | ---: | --- |",
    `| PING | ${f(c.ping.rps)} | ${lat(c.ping)} |`, `| EVALSHA enter.lua | ${f(c.enterScript.rps)} | ${lat(c.enterScript)} |`, `| EVALSHA status.lua | ${f(c.statusScript.rps)} | ${lat(c.statusScript)} |`, "");
  const cost = (what: string, h: any) =>
    out.push(`**e. Hold-then-pay cost** (${what}): ${f(h.purchasesPerSecond)} purchases/s; HoldSeats p50/p95/p99 ${lat(h.holdSeatsLatencyMs)} ms, ` +
      `Pay ${lat(h.payLatencyMs)} ms; server CPU ${h.serverCpuMsPerPurchase} ms per purchase (${h.serverCpuCores} cores); MySQL ${h.mysqlCommitsPerPurchase} commits per purchase, ` +
      `${h.mysql.commitsPerSecond} commits/s, ${h.mysql.logWritesPerSecond} redo log writes/s, ${h.mysql.dataFsyncsPerSecond} fsyncs/s (global counters).`, "");
  for (const w of [1, 2]) {
    const h = r.phases?.[`workers${w}`]?.holdThenPay;
    if (h) cost(`WORKERS=${w}`, h);
  }
  if (r.singleNode) cost("WORKERS=1, single-node", r.singleNode.holdThenPay);
  if (r.scaled) {
    const s = r.scaled;
    cost("WORKERS=1, scaled topology", s.holdThenPay);
    out.push(`**Scaled topology** (${s.topology.redis.length} Redis Cluster nodes, ${s.topology.kafkaBrokers.length} Kafka brokers with replication 3 / min ISR 2, ` +
      `MySQL primary ${s.topology.mysql} with ${s.topology.replicas.length} replica(s)) ÷ single-node, same run, WORKERS=1: ` +
      `IssueToken Connect JSON ${s.vsSingleNode.issueTokenConnect ?? "—"}, gRPC ${s.vsSingleNode.issueTokenGrpc ?? "—"}; hold-then-pay ${s.vsSingleNode.holdThenPay ?? "—"}; ` +
      `server CPU per purchase ${s.vsSingleNode.serverCpuMsPerPurchase ?? "—"}. Outbox on the three brokers: ${f(s.f.sent)}/${f(s.f.events)} events sent, ` +
      `commit-to-Kafka p50 ${f(s.f.commitToKafkaMs.p50)} ms, p99 ${f(s.f.commitToKafkaMs.p99)} ms.`, "");
  }
  if (w2?.d) {
    const d = w2.d;
    out.push(`**d. Seat storm** (WORKERS=2, gRPC): ${f(d.clients)} ACTIVE clients, ${d.seats} seats: sold out in ${f(d.soldOutMs)} ms, ` +
      `${d.successes} successes, ${d.database.doubleBookedSeats} double-booked seats in the database, ${d.database.liveReservations} live reservations, ` +
      `${f(d.attempts)} HoldSeats calls (p50/p95/p99 ${lat(d.latencyMs)} ms), errors: ${errs(d.errors)} (already_exists = the clients that lost a seat). ${d.ok ? "PASS" : "FAIL"}.`, "");
  }
  for (const w of [1, 2]) {
    const p = r.phases?.[`workers${w}`];
    if (p?.f) out.push(`**f. Outbox commit-to-Kafka** while e ran (WORKERS=${w}): ${f(p.f.sent)}/${f(p.f.events)} events sent, ${f(p.f.messagesOnKafka)} messages on Kafka, p50 ${f(p.f.commitToKafkaMs.p50)} ms, p95 ${f(p.f.commitToKafkaMs.p95)} ms, p99 ${f(p.f.commitToKafkaMs.p99)} ms.`, "");
  }
  if (w2?.g) {
    out.push("**g. Queue scale** (one concert, admission paused, WORKERS=2)", "", "| waiting users | bytes per waiting user | fill (enter scripts/s, pipelined) | GetQueueStatus gRPC /s, p50 / p95 / p99 ms | Connect JSON /s, p50 / p95 / p99 ms |", "| ---: | ---: | ---: | --- | --- |");
    for (const g of w2.g) out.push(`| ${f(g.waitingUsers)} | ${g.memory.bytesPerWaitingUser} | ${f(g.fillEnterScriptsPerSecond)} | ${f(g.getQueueStatus.grpc.rps)}, ${lat(g.getQueueStatus.grpc.latencyMs)} | ${f(g.getQueueStatus.connect.rps)}, ${lat(g.getQueueStatus.connect.latencyMs)} |`);
    out.push("");
  }
  const sg = r.surge;
  if (sg?.watchers?.length) {
    out.push("**Surge: WatchQueueStatus streams** (one server process, WORKERS=1)", "",
      "| streams | connections | every first message | RSS per stream (heap) | server CPU per stream opened | admission → update p50 / p95 / p99 ms | /healthz while opening p50 / p95 / p99 ms | errors |",
      "| ---: | ---: | ---: | --- | ---: | --- | --- | ---: |");
    for (const w of sg.watchers) {
      out.push(`| ${f(w.streams)} | ${f(w.connections)} | ${f(w.timeUntilEveryFirstMessageMs)} ms (${f(w.streamsWithFirstMessage)}) | ${w.memoryPerStreamKB} KB (${w.heapPerStreamKB} KB) | ` +
        `${w.serverCpuMsPerStreamOpen} ms | ${lat(w.admission?.admissionToUpdateMs)} | ${lat(w.healthzMs?.duringOpen)} | ${f(w.errors)} |`);
    }
    out.push("");
  }
  if (sg?.opening) {
    const o = sg.opening;
    out.push(`**Surge: opening** ${f(o.fans)} fans IssueToken at once: ${f(o.placed)} placed in ${f(o.timeUntilAllPlacedMs)} ms (${f(o.issueTokenPerSecond)}/s, ` +
      `p50/p95/p99 ${lat(o.issueTokenLatencyMs)} ms), then ${o.pollSeconds} s of polling by the hint: ${f(o.pollsPerSecond)} polls/s, ` +
      `${f(o.rateLimited)} rate-limited, errors: ${errs(o.errors)}.`, "");
  }
  const q = r.ratios;
  if (q) {
    out.push("**Ratios** (WORKERS=2 unless noted)", "", "| ratio | value |", "| --- | ---: |");
    for (const [k, v] of Object.entries(q)) {
      if (v && typeof v === "object") for (const [k2, v2] of Object.entries(v)) out.push(`| ${k} ${k2} | ${v2 ?? "—"} |`);
      else out.push(`| ${k} | ${v ?? "—"} |`);
    }
    out.push("");
  }
  return out.join("\n") + "\n";
}
