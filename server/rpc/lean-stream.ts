import type * as http from "node:http";
import type * as http2 from "node:http2";
import { create, fromBinary, fromJsonString, isMessage, toBinary, toJsonString, type DescMessage, type DescMethodServerStreaming, type DescService, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues, type HandlerContext, type Interceptor, type StreamRequest, type StreamResponse } from "@connectrpc/connect";
import { endStreamToJson } from "@connectrpc/connect/protocol-connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/** What the lean path takes: the two HTTP/2 streaming protocols most clients speak, without compression. */
const CONTENT_TYPES: Record<string, { protocol: "grpc" | "connect"; binary: boolean; responseType: string }> = {
  "application/grpc": { protocol: "grpc", binary: true, responseType: "application/grpc+proto" },
  "application/grpc+proto": { protocol: "grpc", binary: true, responseType: "application/grpc+proto" },
  "application/grpc+json": { protocol: "grpc", binary: false, responseType: "application/grpc+json" },
  "application/connect+proto": { protocol: "connect", binary: true, responseType: "application/connect+proto" },
  "application/connect+json": { protocol: "connect", binary: false, responseType: "application/connect+json" },
};
const END_STREAM_FLAG = 0b10;

/**
 * The request headers as the interceptors read them (`get`), straight from Node's header object: a
 * WHATWG Headers per stream (an undici header list, its iterators and maps) is a visible share of
 * what an idle stream holds.
 */
function headerView(h: http2.IncomingHttpHeaders): Headers {
  const get = (name: string): string | null => {
    const v = h[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  };
  const view = {
    get,
    has: (name: string) => get(name) !== null,
    forEach(cb: (value: string, key: string, parent: Headers) => void) {
      for (const k of Object.keys(h)) if (!k.startsWith(":")) cb(get(k)!, k, view as unknown as Headers);
    },
  };
  return view as unknown as Headers;
}

/** Response headers/trailers are created only if a handler or interceptor asks for them. */
function lazyHeaders(): { get(): Headers; peek(): Headers | undefined } {
  let h: Headers | undefined;
  return { get: () => (h ??= new Headers()), peek: () => h };
}

function envelope(flags: number, payload: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(5 + payload.byteLength);
  b[0] = flags;
  b.writeUInt32BE(payload.byteLength, 1);
  b.set(payload, 5);
  return b;
}

export interface LeanStreamOptions<I extends DescMessage, O extends DescMessage> {
  method: DescMethodServerStreaming<I, O>;
  impl: (req: MessageShape<I>, ctx: HandlerContext) => AsyncIterable<MessageInitShape<O>>;
  /** The same interceptors, in the same order, as the Connect router's. */
  interceptors: Interceptor[];
  readMaxBytes: number;
}

/**
 * A server-streaming RPC served on the HTTP/2 stream itself, through the same interceptors and handler
 * as the Connect router, for gRPC and the Connect streaming protocol (binary or JSON, no compression,
 * no client deadline). Everything else (HTTP/1.1, gRPC-Web, compressed or deadline-carrying calls)
 * returns false and goes to Connect as before.
 *
 * Why: Connect-Node keeps a pipeline of a dozen down-levelled async generators, abort controllers and
 * header objects alive for as long as a stream is open, about 28 KB of heap per open stream even for a
 * handler that does nothing (docs/wave2/watchers.md). A waiting room holds tens of thousands of
 * WatchQueueStatus streams that sit idle between updates; here an open stream costs the handler's own
 * generator, one abort controller and the interceptors' closures.
 */
export function createLeanStream<I extends DescMessage, O extends DescMessage>(opts: LeanStreamOptions<I, O>) {
  const { method } = opts;
  const service: DescService = method.parent;
  const path = `/${service.typeName}/${method.name}`;
  // Composed once: the interceptors are pure wrappers (as Connect's applyInterceptors composes them per call).
  let chain = (async (req: StreamRequest<I, O>): Promise<StreamResponse<I, O>> => {
    let input: MessageShape<I> | undefined;
    let count = 0;
    for await (const m of req.message) {
      if (++count > 1) throw new ConnectError("protocol error: received extra input message for server-streaming method", Code.Unimplemented);
      input = m;
    }
    if (input === undefined) throw new ConnectError("protocol error: missing input message for server-streaming method", Code.Unimplemented);
    const ctx = (req as unknown as { handlerContext: HandlerContext }).handlerContext;
    return { stream: true, service, method, header: ctx.responseHeader, trailer: ctx.responseTrailer, message: opts.impl(input, ctx) as AsyncIterable<MessageShape<O>> };
  }) as unknown as (req: StreamRequest<I, O>) => Promise<StreamResponse<I, O>>;
  for (const i of [...opts.interceptors].reverse()) chain = i(chain as never) as never;

  /** Takes the request (true) or leaves it to Connect (false). */
  return function handle(req: Req, res: Res): boolean {
    if (req.httpVersionMajor !== 2 || req.method !== "POST" || req.url !== path) return false;
    const h = req.headers as http2.IncomingHttpHeaders;
    const type = CONTENT_TYPES[String(h["content-type"] ?? "")];
    if (!type) return false;
    if (type.protocol === "grpc" ? h["grpc-timeout"] !== undefined : h["connect-timeout-ms"] !== undefined) return false;
    const enc = type.protocol === "grpc" ? h["grpc-encoding"] : h["connect-content-encoding"];
    if (enc !== undefined && enc !== "identity") return false;
    void serve(req as http2.Http2ServerRequest, res as http2.Http2ServerResponse, type);
    return true;
  };

  async function serve(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, type: (typeof CONTENT_TYPES)[string]) {
    const abort = new AbortController();
    let finished = false;
    res.once("close", () => {
      if (!finished) abort.abort(new ConnectError("the client closed the stream", Code.Canceled));
    });
    const header = headerView(req.headers);
    const responseHeader = lazyHeaders();
    const responseTrailer = lazyHeaders();
    const values = createContextValues();
    const handlerContext = {
      method, service, protocolName: type.protocol, requestMethod: "POST", url: req.url, signal: abort.signal,
      timeoutMs: () => undefined, requestHeader: header, values,
      get responseHeader() { return responseHeader.get(); },
      get responseTrailer() { return responseTrailer.get(); },
    } as unknown as HandlerContext;
    const request = {
      stream: true, service, method, requestMethod: "POST", url: req.url, signal: abort.signal, header, contextValues: values,
      message: readInput(readBody(req), type.binary), handlerContext,
    } as unknown as StreamRequest<I, O>;

    let headersSent = false;
    const sendHeaders = (extra: Record<string, string> = {}) => {
      headersSent = true;
      const out: Record<string, string> = { "content-type": type.responseType };
      responseHeader.peek()?.forEach((v, k) => (out[k] = v));
      res.writeHead(200, { ...out, ...extra });
    };
    let error: ConnectError | undefined;
    try {
      const response = await chain(request);
      for await (const init of response.message as AsyncIterable<MessageInitShape<O>>) {
        if (res.destroyed || res.closed) break;
        const m = isMessage(init, method.output) ? init : create(method.output, init);
        const payload = type.binary ? toBinary(method.output, m) : Buffer.from(toJsonString(method.output, m));
        if (!headersSent) sendHeaders();
        // A slow reader: wait for the window to open (the handler keeps only the newest ticket meanwhile).
        if (!res.write(envelope(0, payload))) await drained(res);
      }
    } catch (e) {
      error = e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
    }
    finished = true;
    if (res.destroyed || res.closed || res.writableEnded) return;
    if (type.protocol === "grpc") {
      const trailer = setTrailerStatus(new Headers(), error);
      responseTrailer.peek()?.forEach((v, k) => trailer.set(k, v));
      const t: Record<string, string> = {};
      trailer.forEach((v, k) => (t[k] = v));
      if (!headersSent) {
        // Trailers-only, as gRPC answers a call that ends before its first message.
        sendHeaders(t);
        res.end();
      } else {
        res.addTrailers(t);
        res.end();
      }
    } else {
      if (!headersSent) sendHeaders();
      const json = endStreamToJson(responseTrailer.peek() ?? new Headers(), error, undefined);
      res.end(envelope(END_STREAM_FLAG, Buffer.from(JSON.stringify(json))));
    }
  }

  /**
   * The whole request body, read from the start of the call whatever the interceptors decide, as
   * Connect-Node does (a refused call still consumes what the client sent); undefined past readMaxBytes.
   */
  function readBody(req: http2.Http2ServerRequest): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= opts.readMaxBytes + 5) chunks.push(c);
      });
      req.once("end", () => resolve(size > opts.readMaxBytes + 5 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      req.once("close", () => resolve(Buffer.concat(chunks)));
    });
  }

  /** The request body's messages (a server-streaming call sends one): parsed lazily, inside the interceptor chain. */
  async function* readInput(bodyRead: Promise<Buffer | undefined>, binary: boolean): AsyncGenerator<MessageShape<I>> {
    const body = await bodyRead;
    if (body === undefined) throw new ConnectError(`message size is larger than configured readMaxBytes ${opts.readMaxBytes}`, Code.ResourceExhausted);
    let at = 0;
    while (at < body.length) {
      if (body.length - at < 5) throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
      const flags = body[at];
      const len = body.readUInt32BE(at + 1);
      if (len > opts.readMaxBytes) throw new ConnectError(`message size ${len} is larger than configured readMaxBytes ${opts.readMaxBytes}`, Code.ResourceExhausted);
      if (body.length - at - 5 < len) throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
      if (flags !== 0) throw new ConnectError("protocol error: received a compressed or flagged envelope without an encoding", Code.InvalidArgument);
      const data = body.subarray(at + 5, at + 5 + len);
      at += 5 + len;
      try {
        yield binary ? fromBinary(method.input, data) : fromJsonString(method.input, data.toString("utf8"), { ignoreUnknownFields: true });
      } catch (e) {
        throw new ConnectError(`parse ${binary ? "binary" : "json"}: ${(e as Error).message}`, Code.InvalidArgument);
      }
    }
  }
}

function drained(res: http2.Http2ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
