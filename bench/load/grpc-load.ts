/**
 * gRPC load generator (its own process), on @grpc/grpc-js as mobile clients use it: HTTP/2 with prior
 * knowledge, binary protobuf from the generated schemas. Reads a job file (argv[2]), prints one JSON
 * result on stdout. Several channels, each with its own connection (local subchannel pool), so that
 * node:cluster spreads them over the server's worker processes.
 * Modes:
 *   unary    — one method for durationS at `concurrency` calls in flight, rotating prepared requests.
 *   storm    — every user at once races for the seats of one schedule, trying seats in its own
 *              random order until it holds one or has seen every seat taken.
 *   purchase — HoldSeats (one distinct seat per user) then Pay, `concurrency` purchases in flight.
 */
import fs from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { fromBinary, fromJson, toBinary, type DescMessage, type DescService, type JsonValue } from "@bufbuild/protobuf";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { QueueService } from "../../gen/concert/v1/queue_pb.js";
import { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { summarize } from "../lib/percentiles.mjs";

interface Item { metadata: Record<string, string>; body: JsonValue }
const job = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8"));
const services: Record<string, DescService> = { health: Health, queue: QueueService, reservation: ReservationService, payment: PaymentService };
const codeName = (c: number) => (grpc.status[c] ?? String(c)).toLowerCase();

function channels(n: number): grpc.Client[] {
  return Array.from({ length: n }, () =>
    new grpc.Client(job.address, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1, "grpc.max_receive_message_length": 16 << 20 }));
}

/**
 * A unary call of `service/method`; resolves to the gRPC status code (0 = OK) and, when `decode`, the
 * response. Requests are serialized and their metadata built once per prepared item (cached on the
 * item), so the generator spends its CPU on the calls rather than on protobuf.
 */
function caller(service: string, method: string, decode = true) {
  const svc = services[service]!;
  const m = svc.methods.find((x) => x.name === method)!;
  const input = m.input as DescMessage;
  const output = m.output as DescMessage;
  const path = `/${svc.typeName}/${m.name}`;
  const identity = (b: Buffer) => b;
  const parse: (b: Buffer) => unknown = decode ? (b: Buffer) => fromBinary(output, b) : identity;
  const prepared = new WeakMap<Item, { md: grpc.Metadata; buf: Buffer }>();
  return (client: grpc.Client, it: Item): Promise<{ code: number; res?: any }> => {
    let p = prepared.get(it);
    if (!p) {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(it.metadata ?? {})) md.set(k, v);
      p = { md, buf: Buffer.from(toBinary(input, fromJson(input, it.body ?? {}))) };
      prepared.set(it, p);
    }
    const { md, buf } = p;
    return new Promise((resolve) => {
      client.makeUnaryRequest<Buffer, any>(path, identity, parse, buf, md.clone(), (err: grpc.ServiceError | null, res?: any) => resolve(err ? { code: err.code ?? 2 } : { code: 0, res }));
    });
  };
}

const count = (errors: Record<string, number>, code: number) => {
  if (code !== 0) errors[codeName(code)] = (errors[codeName(code)] ?? 0) + 1;
};

async function unary() {
  const call = caller(job.service, job.method, false);
  const clients = channels(job.channels ?? 4);
  const items: Item[] = job.items;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  const t0 = performance.now();
  const end = t0 + job.durationS * 1000;
  await Promise.all(Array.from({ length: job.concurrency }, async (_, w) => {
    const client = clients[w % clients.length]!;
    while (performance.now() < end) {
      const s = performance.now();
      const r = await call(client, items[next++ % items.length]!);
      latencies.push(performance.now() - s);
      if (r.code === 0) ok++;
      count(errors, r.code);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  for (const c of clients) c.close();
  return { tool: "grpc-js", protocol: "grpc", concurrency: job.concurrency, channels: clients.length, seconds: +seconds.toFixed(2),
    requests: latencies.length, ok, rps: Math.round(latencies.length / seconds), okRps: Math.round(ok / seconds), latencyMs: summarize(latencies), errors };
}

function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function storm() {
  const hold = caller("reservation", "HoldSeats");
  const clients = channels(job.channels ?? 4);
  const users: Item[] = job.users;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const won: Array<{ user: number; seat: number }> = [];
  const taken = new Set<number>();
  let soldOutMs: number | undefined;
  const t0 = performance.now();
  await Promise.all(users.map(async (u, i) => {
    const client = clients[i % clients.length]!;
    for (const seat of shuffled(job.seats)) {
      // What this client has already seen taken (shared knowledge of the generator) is skipped.
      if (taken.has(seat)) continue;
      const s = performance.now();
      const r = await hold(client, { metadata: u.metadata, body: { scheduleId: String(job.scheduleId), seatNumbers: [seat] } });
      latencies.push(performance.now() - s);
      count(errors, r.code);
      if (r.code === 0 || r.code === grpc.status.ALREADY_EXISTS) taken.add(seat);
      if (r.code === 0) {
        won.push({ user: i, seat });
        if (won.length === job.seats) soldOutMs = performance.now() - t0;
        return;
      }
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  for (const c of clients) c.close();
  return { tool: "grpc-js", clients: users.length, seats: job.seats, attempts: latencies.length, successes: won.length,
    distinctSeatsWon: new Set(won.map((w) => w.seat)).size, soldOutMs: soldOutMs === undefined ? null : Math.round(soldOutMs),
    seconds: +seconds.toFixed(2), latencyMs: summarize(latencies), errors };
}

async function purchase() {
  const hold = caller("reservation", "HoldSeats");
  const pay = caller("payment", "Pay");
  const clients = channels(job.channels ?? 4);
  const users: Array<Item & { seat: number }> = job.users;
  const total: number[] = [], holdMs: number[] = [], payMs: number[] = [];
  const errors: Record<string, number> = {};
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, async (_, w) => {
    const client = clients[w % clients.length]!;
    while (next < users.length) {
      const u = users[next++]!;
      const s = performance.now();
      const h = await hold(client, { metadata: u.metadata, body: { scheduleId: String(job.scheduleId), seatNumbers: [u.seat] } });
      const s2 = performance.now();
      holdMs.push(s2 - s);
      count(errors, h.code);
      if (h.code !== 0) continue;
      const rid = String(h.res.reservation.id);
      const p = await pay(client, { metadata: u.metadata, body: { reservationId: rid, idempotencyKey: `bench-${rid}` } });
      const s3 = performance.now();
      payMs.push(s3 - s2);
      count(errors, p.code);
      if (p.code !== 0) continue;
      total.push(s3 - s);
      done++;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  for (const c of clients) c.close();
  return { tool: "grpc-js", concurrency: job.concurrency, attempted: users.length, completed: done, seconds: +seconds.toFixed(2),
    purchasesPerSecond: Math.round(done / seconds), rpcPerSecond: Math.round((holdMs.length + payMs.length) / seconds),
    latencyMs: summarize(total), holdLatencyMs: summarize(holdMs), payLatencyMs: summarize(payMs), errors,
    startedAtMs: Date.now() - Math.round(seconds * 1000) };
}

const modes: Record<string, () => Promise<Record<string, unknown>>> = { unary, storm, purchase };
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const result = await modes[job.mode]!();
// How busy this generator's own process was (1 = a whole core): on a 2-core box it competes with the server.
const used = process.cpuUsage(cpu0);
result.generatorCpuCores = +((used.user + used.system) / 1000 / (performance.now() - wall0)).toFixed(2);
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
