import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { connectNodeAdapter, createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckRequestSchema, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.js";
import { createPolyglotListener } from "../../server/http/listener.js";
import { grpcJsClient, unary } from "../support/grpc-js.js";

/**
 * patches/@connectrpc+*.patch (applied by `npm ci`'s postinstall) change how Connect-Node writes a
 * unary response and ends a call's signals (docs/wave2/rpc.md). The patches must be applied, and every
 * protocol must still get the same answers: messages, response headers, trailers, errors with metadata.
 * The server here is Connect-Node behind our one-port listener, with a handler that sets all of those.
 */
const ROOT = path.resolve(__dirname, "../..");
const signals: AbortSignal[] = [];
let listener: ReturnType<typeof createPolyglotListener>;
let url: string;
let port: number;

beforeAll(async () => {
  const rpc = connectNodeAdapter({
    routes: (router) =>
      router.service(Health, {
        check(req, ctx) {
          signals.push(ctx.signal);
          ctx.responseHeader.set("x-answer-header", "h1");
          ctx.responseTrailer.set("x-answer-trailer", "t1");
          if (req.service === "fail") throw new ConnectError("no such service so ask for the empty name", Code.NotFound, { "x-error-detail": "d1" });
          // A long service name makes a larger body, so the one-piece write is not only tested on tiny ones.
          return { status: req.service === "" ? Status.SERVING : Status.NOT_SERVING };
        },
      }),
  });
  listener = createPolyglotListener(rpc);
  await new Promise<void>((r) => listener.tcp.listen(0, "127.0.0.1", () => r()));
  port = (listener.tcp.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await listener?.close(1_000);
});

describe("the connect-node patches", () => {
  it("are applied to node_modules (each patch reverses cleanly)", () => {
    const patches = fs.readdirSync(path.join(ROOT, "patches")).filter((f) => f.startsWith("@connectrpc+"));
    expect(patches.length).toBeGreaterThanOrEqual(2);
    for (const p of patches) {
      // Throws (exit code 1) when the files in node_modules do not carry the patch.
      execFileSync("git", ["apply", "--check", "--reverse", path.join("patches", p)], { cwd: ROOT, stdio: "pipe" });
    }
  });

  const transports: Array<[string, () => Transport]> = [
    ["Connect JSON", () => createConnectTransport({ baseUrl: url, httpVersion: "1.1" })],
    ["Connect binary", () => createConnectTransport({ baseUrl: url, httpVersion: "1.1", useBinaryFormat: true })],
    ["gRPC-Web", () => createGrpcWebTransport({ baseUrl: url, httpVersion: "1.1" })],
  ];
  for (const [name, transport] of transports) {
    it(`answer unary calls over ${name}: message, header, trailer, and errors with metadata`, async () => {
      const client = createClient(Health, transport());
      let header: Headers | undefined;
      let trailer: Headers | undefined;
      const res = await client.check({ service: "" }, { onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) });
      expect(res.status).toBe(Status.SERVING);
      expect(header?.get("x-answer-header")).toBe("h1");
      expect(trailer?.get("x-answer-trailer")).toBe("t1");
      const long = await client.check({ service: "x".repeat(100_000) });
      expect(long.status).toBe(Status.NOT_SERVING);
      const err = await client.check({ service: "fail" }).then(() => undefined, (e: unknown) => ConnectError.from(e));
      expect(err?.code).toBe(Code.NotFound);
      expect(err?.rawMessage).toBe("no such service so ask for the empty name");
      expect(err?.metadata.get("x-error-detail")).toBe("d1");
    });
  }

  it("answer unary calls over gRPC from @grpc/grpc-js (HTTP/2): message, header, trailer, and errors with metadata", async () => {
    const client = grpcJsClient(Health, `127.0.0.1:${port}`);
    try {
      const call = (service: string) =>
        new Promise<{ err: grpc.ServiceError | null; res: any; header?: grpc.Metadata; trailer?: grpc.Metadata }>((resolve) => {
          let header: grpc.Metadata | undefined;
          let trailer: grpc.Metadata | undefined;
          let done: { err: grpc.ServiceError | null; res: any } | undefined;
          let status = false;
          const finish = () => done && status && resolve({ ...done, header, trailer });
          const c = client.check(create(HealthCheckRequestSchema, { service }), new grpc.Metadata(), (err: grpc.ServiceError | null, res: any) => {
            done = { err, res };
            finish();
          });
          c.on("metadata", (m: grpc.Metadata) => (header = m));
          c.on("status", (s: grpc.StatusObject) => {
            trailer = s.metadata;
            status = true;
            finish();
          });
        });
      const ok = await call("");
      expect(ok.err).toBeNull();
      expect(ok.res.status).toBe(Status.SERVING);
      expect(ok.header?.get("x-answer-header")).toEqual(["h1"]);
      expect(ok.trailer?.get("x-answer-trailer")).toEqual(["t1"]);
      const long = await unary<any>(client, "check", create(HealthCheckRequestSchema, { service: "x".repeat(100_000) }));
      expect(long.status).toBe(Status.NOT_SERVING);
      const failed = await call("fail");
      expect(failed.err?.code).toBe(grpc.status.NOT_FOUND);
      expect(failed.err?.details).toBe("no such service so ask for the empty name");
      expect(failed.err?.metadata.get("x-error-detail")).toEqual(["d1"]);
    } finally {
      client.close();
    }
  });

  it("send a Connect JSON body of exactly its content-length, and keep the connection usable", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${url}/grpc.health.v1.Health/Check`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.status).toBe(200);
      expect(Number(res.headers.get("content-length"))).toBe(body.length);
      expect(JSON.parse(body.toString())).toEqual({ status: "SERVING" });
    }
  });

  it("still abort every call's signal when it ends, with an AbortError (one shared reason, not one built per call)", () => {
    expect(signals.length).toBeGreaterThan(4);
    for (const s of signals) {
      expect(s.aborted).toBe(true);
    }
    const normal = signals.map((s) => s.reason).filter((r) => r instanceof DOMException);
    expect(normal.length).toBeGreaterThan(2);
    for (const r of normal) expect((r as DOMException).name).toBe("AbortError");
    // Unpatched, each call's signal gets its own new DOMException; patched, calls that end normally share one.
    expect(new Set(normal).size).toBe(1);
  });
});
