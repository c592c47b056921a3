import * as http2 from "node:http2";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { randomMessage, type Rng } from "./fuzz-values.js";

export interface FuzzReport {
  sent: number;
  byCode: Record<string, number>;
  /** Answers with INTERNAL or UNKNOWN: method, protocol, message (first few). */
  internal: string[];
  /** Calls with no answer within 5 s. */
  hangs: string[];
}

export interface FuzzIdentity {
  /** Header sets to draw from: none, garbage, users, admins, with and without queue tokens. */
  headers: Array<Record<string, string>>;
}

const HANG_MS = 5_000;

/**
 * `count` requests spread over every RPC of `services` and the three protocols (Connect JSON, Connect
 * binary, gRPC), with random and boundary values; one in ten is raw bytes that are not a valid message.
 */
export async function fuzz(baseUrl: string, services: DescService[], ids: FuzzIdentity, r: Rng, count: number, concurrency: number): Promise<FuzzReport> {
  const transports: Array<[string, Transport]> = [
    ["connect-json", createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false })],
    ["connect-binary", createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true })],
    ["grpc", createGrpcTransport({ baseUrl })],
  ];
  const methods: Array<[DescService, DescMethod]> = services.flatMap((s) => s.methods.map((m) => [s, m] as [DescService, DescMethod]));
  // The raw session is replaced when the server has closed it (its idle timeout while this process was
  // starved of CPU, or GOAWAY after too many resets from our own timed-out streams): that is the server
  // enforcing a limit, not an answer to count, and the next request must not fail on a dead session.
  let raw: http2.ClientHttp2Session | undefined;
  const session = () => {
    if (!raw || raw.closed || raw.destroyed) {
      raw = http2.connect(baseUrl);
      raw.on("error", () => {});
    }
    return raw;
  };
  const report: FuzzReport = { sent: 0, byCode: {}, internal: [], hangs: [] };
  const count1 = (code: string) => (report.byCode[code] = (report.byCode[code] ?? 0) + 1);

  const one = async () => {
    const [service, method] = r.pick(methods);
    const headers = r.pick(ids.headers);
    const path = `/${service.typeName}/${method.name}`;
    const t0 = Date.now();
    if (r.next() < 0.1) {
      const body = r.bytes(r.int(64));
      if (r.next() < 0.5) {
        const res = await fetch(baseUrl + path, { method: "POST", headers: { ...headers, "content-type": r.pick(["application/proto", "application/json"]) }, body, signal: AbortSignal.timeout(HANG_MS) })
          .catch((e) => e as Error);
        if (res instanceof Error) {
          // Only a timeout is a hang; a connection the server closed (garbage body, keep-alive race) is an answer.
          if (res.name === "TimeoutError" || res.name === "AbortError") return void report.hangs.push(`raw connect ${path}: ${res.message}`);
          return void count1("connection closed");
        }
        const code = res.status === 200 ? "ok" : (((await res.json().catch(() => ({}))) as { code?: string }).code ?? `http ${res.status}`);
        count1(code);
        if (code === "internal" || code === "unknown" || res.status >= 500) report.internal.push(`raw connect ${path}: ${res.status} ${code}`);
      } else {
        const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, r.int(80)]), Buffer.from(body)]); // declared length may not match
        const status = await new Promise<string>((resolve) => {
          const s = session().request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...headers });
          let h: http2.IncomingHttpHeaders = {};
          const timer = setTimeout(() => (s.close(), resolve("hang")), HANG_MS);
          s.on("response", (x) => (h = x));
          s.on("trailers", (x) => (h = { ...h, ...x }));
          s.on("error", () => {});
          s.resume();
          s.on("close", () => (clearTimeout(timer), resolve(String(h["grpc-status"] ?? "none"))));
          s.end(frame);
        });
        if (status === "hang") return void report.hangs.push(`raw grpc ${path}`);
        count1(status === "0" ? "ok" : Code[Number(status)] ?? status);
        if (status === "13" || status === "2") report.internal.push(`raw grpc ${path}: grpc-status ${status}`);
      }
      return;
    }
    const [protocol, transport] = r.pick(transports);
    const client = createClient(service, transport) as unknown as Record<string, (req: unknown, opts: unknown) => unknown>;
    const msg = randomMessage(r, method.input);
    const signal = AbortSignal.timeout(HANG_MS);
    try {
      if (method.methodKind === "server_streaming") {
        const it = (client[method.localName](msg, { headers, signal }) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
        await it.next();
        await it.return?.(); // a fan closing the app: cancels the stream
      } else {
        await client[method.localName](msg, { headers, signal });
      }
      count1("ok");
    } catch (e) {
      const ce = ConnectError.from(e);
      // The client library itself refused to send it (e.g. a Timestamp JSON cannot express): nothing reached the server.
      if (/^cannot encode/.test(ce.rawMessage)) return void count1("not sendable");
      // Our own socket failing (the server answered early and closed, e.g. a refused oversize body): a
      // local transport error, not an answer from the server; the server's own codes are checked in /metrics.
      if (/^(write|read) (EPIPE|ECONNRESET)$|socket hang up/.test(ce.rawMessage)) return void count1("connection closed");
      if (signal.aborted && Date.now() - t0 >= HANG_MS - 50) return void report.hangs.push(`${protocol} ${path}`);
      count1(Code[ce.code]);
      if (ce.code === Code.Internal || ce.code === Code.Unknown) report.internal.push(`${protocol} ${path}: ${Code[ce.code]} ${ce.rawMessage}`);
    }
  };

  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      report.sent++;
      await one();
    }
  }));
  raw?.close();
  return report;
}
