import type * as http2 from "node:http2";
import { create, fromBinary, fromJsonString, isMessage, toBinary, toJsonString, type DescMessage, type DescMethodServerStreaming, type DescService, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type ContextKey, type ContextValues, type HandlerContext, type Interceptor, type StreamRequest, type StreamResponse } from "@connectrpc/connect";
import { endStreamToJson } from "@connectrpc/connect/protocol-connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";

/** What the lean path takes: the two HTTP/2 streaming protocols most clients speak, without compression. */
const CONTENT_TYPES: Record<string, { protocol: "grpc" | "connect"; binary: boolean; responseType: string }> = {
  "application/grpc": { protocol: "grpc", binary: true, responseType: "application/grpc+proto" },
  "application/grpc+proto": { protocol: "grpc", binary: true, responseType: "application/grpc+proto" },
  "application/grpc+json": { protocol: "grpc", binary: false, responseType: "application/grpc+json" },
  "application/connect+proto": { protocol: "connect", binary: true, responseType: "application/connect+proto" },
  "application/connect+json": { protocol: "connect", binary: false, responseType: "application/connect+json" },
};
type Wire = (typeof CONTENT_TYPES)[string];
const END_STREAM_FLAG = 0b10;
/** One reason for every stream its client closes: a ConnectError (and its stack trace) per close adds up in a crowd. */
const CLIENT_CLOSED = new ConnectError("the client closed the stream", Code.Canceled);

/**
 * Headers as the interceptors and handlers use them, over a plain object. A WHATWG Headers (an undici
 * header list with its maps) per request, response and trailer was a visible share of what an idle
 * stream holds; this is one small object, its entries made only when something is set. Request
 * headers are read straight from Node's header object.
 */
class LiteHeaders {
  private entries: Map<string, string> | undefined;
  constructor(private readonly from?: http2.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const key = name.toLowerCase();
    const own = this.entries?.get(key);
    if (own !== undefined) return own;
    const v = this.from?.[key];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  }
  has(name: string): boolean {
    return this.get(name) !== null;
  }
  set(name: string, value: string): void {
    (this.entries ??= new Map()).set(name.toLowerCase(), String(value));
  }
  append(name: string, value: string): void {
    const old = this.get(name);
    this.set(name, old === null ? value : `${old}, ${value}`);
  }
  delete(name: string): void {
    this.entries?.delete(name.toLowerCase());
  }
  forEach(cb: (value: string, key: string, parent: Headers) => void): void {
    const seen = new Set<string>();
    for (const [k, v] of this.entries ?? []) {
      seen.add(k);
      cb(v, k, this as unknown as Headers);
    }
    for (const k of Object.keys(this.from ?? {})) if (!k.startsWith(":") && !seen.has(k)) cb(this.get(k)!, k, this as unknown as Headers);
  }
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    const out: Array<[string, string]> = [];
    this.forEach((v, k) => out.push([k, v]));
    yield* out;
  }
  get size(): number {
    return (this.entries?.size ?? 0);
  }
}

/** Connect's ContextValues with its methods on a prototype instead of three closures per call. */
class LiteContextValues {
  get<T>(key: ContextKey<T>): T {
    const self = this as unknown as Record<symbol, T>;
    return key.id in self ? self[key.id] : key.defaultValue;
  }
  set<T>(key: ContextKey<T>, value: T): this {
    (this as unknown as Record<symbol, T>)[key.id] = value;
    return this;
  }
  delete(key: ContextKey<unknown>): this {
    delete (this as unknown as Record<symbol, unknown>)[key.id];
    return this;
  }
}

function envelope(flags: number, payload: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(5 + payload.byteLength);
  b[0] = flags;
  b.writeUInt32BE(payload.byteLength, 1);
  b.set(payload, 5);
  return b;
}

function plain(h: LiteHeaders | Headers, into: Record<string, string> = {}): Record<string, string> {
  h.forEach((v, k) => (into[k] = v));
  return into;
}

export interface LeanStreamOptions<I extends DescMessage, O extends DescMessage> {
  method: DescMethodServerStreaming<I, O>;
  impl: (req: MessageShape<I>, ctx: HandlerContext) => AsyncIterable<MessageInitShape<O>>;
  /** The same interceptors, in the same order, as the Connect router's. */
  interceptors: Interceptor[];
  readMaxBytes: number;
}

/**
 * A server-streaming RPC served on the raw HTTP/2 stream, through the same interceptors and handler
 * as the Connect router, for gRPC and the Connect streaming protocol (binary or JSON, no compression,
 * no client deadline, no browser `origin`). Anything else returns false and goes to Node's
 * compatibility layer and Connect as before (HTTP/1.1, gRPC-Web, compressed, deadline-carrying or
 * cross-origin calls).
 *
 * Why: Connect-Node keeps a pipeline of a dozen down-levelled async generators, abort controllers and
 * WHATWG header objects alive for as long as a stream is open, and Node's compatibility layer adds a
 * request and a response object with their stream states: about 45 KB of heap per open stream
 * (41 KB with a handler that does nothing; docs/wave2/watchers.md). A waiting room holds tens of
 * thousands of WatchQueueStatus streams that sit idle between updates.
 */
export function createLeanStream<I extends DescMessage, O extends DescMessage>(opts: LeanStreamOptions<I, O>) {
  const { method } = opts;
  const service: DescService = method.parent;
  const path = `/${service.typeName}/${method.name}`;
  // Composed once: the interceptors are pure wrappers (Connect's applyInterceptors composes them per call).
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

  /** Takes the stream (true) or leaves it to the compatibility layer and Connect (false). */
  return function handle(stream: http2.ServerHttp2Stream, h: http2.IncomingHttpHeaders): boolean {
    if (h[":method"] !== "POST" || h[":path"] !== path || h.origin !== undefined) return false;
    const type = CONTENT_TYPES[String(h["content-type"] ?? "")];
    if (!type) return false;
    if (type.protocol === "grpc" ? h["grpc-timeout"] !== undefined : h["connect-timeout-ms"] !== undefined) return false;
    const enc = type.protocol === "grpc" ? h["grpc-encoding"] : h["connect-content-encoding"];
    if (enc !== undefined && enc !== "identity") return false;
    stream.on("error", () => {}); // a peer reset surfaces as 'close'; nothing to report
    void serve(stream, h, type);
    return true;
  };

  async function serve(stream: http2.ServerHttp2Stream, h: http2.IncomingHttpHeaders, type: Wire) {
    const abort = new AbortController();
    let finished = false;
    stream.once("close", () => {
      if (!finished) abort.abort(CLIENT_CLOSED);
    });
    const header = new LiteHeaders(h) as unknown as Headers;
    const responseHeader = new LiteHeaders();
    const responseTrailer = new LiteHeaders();
    const values = new LiteContextValues() as unknown as ContextValues;
    const url = String(h[":path"]);
    const handlerContext = {
      method, service, protocolName: type.protocol, requestMethod: "POST", url, signal: abort.signal,
      timeoutMs: () => undefined, requestHeader: header, values, responseHeader, responseTrailer,
    } as unknown as HandlerContext;
    const request = {
      stream: true, service, method, requestMethod: "POST", url, signal: abort.signal, header, contextValues: values,
      message: readInput(readBody(stream), type.binary), handlerContext,
    } as unknown as StreamRequest<I, O>;

    let headersSent = false;
    const gone = () => stream.destroyed || stream.closed;
    let error: ConnectError | undefined;
    try {
      const response = await chain(request);
      for await (const init of response.message as AsyncIterable<MessageInitShape<O>>) {
        if (gone()) break;
        const m = isMessage(init, method.output) ? init : create(method.output, init);
        const payload = type.binary ? toBinary(method.output, m) : Buffer.from(toJsonString(method.output, m));
        if (!headersSent) {
          headersSent = true;
          stream.respond(plain(responseHeader, { ":status": "200", "content-type": type.responseType }), { waitForTrailers: type.protocol === "grpc" });
        }
        // A slow reader: wait for the window to open (the handler keeps only the newest ticket meanwhile).
        if (!stream.write(envelope(0, payload))) await drained(stream);
      }
    } catch (e) {
      error = e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
    }
    finished = true;
    if (gone()) return;
    if (type.protocol === "grpc") {
      const trailer = plain(responseTrailer, plain(setTrailerStatus(new Headers(), error)));
      if (!headersSent) {
        // Trailers-only, as gRPC answers a call that ends before its first message.
        stream.respond(plain(responseHeader, { ":status": "200", "content-type": type.responseType, ...trailer }), { endStream: true });
      } else {
        stream.once("wantTrailers", () => stream.sendTrailers(trailer));
        stream.end();
      }
    } else {
      if (!headersSent) stream.respond(plain(responseHeader, { ":status": "200", "content-type": type.responseType }));
      const json = endStreamToJson(responseTrailer as unknown as Headers, error, undefined);
      stream.end(envelope(END_STREAM_FLAG, Buffer.from(JSON.stringify(json))));
    }
  }

  /**
   * The whole request body, read from the start of the call whatever the interceptors decide, as
   * Connect-Node does (a refused call still consumes what the client sent); undefined past readMaxBytes.
   */
  function readBody(stream: http2.ServerHttp2Stream): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= opts.readMaxBytes + 5) chunks.push(c);
      });
      stream.once("end", () => resolve(size > opts.readMaxBytes + 5 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      stream.once("close", () => resolve(Buffer.concat(chunks)));
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
      let m: MessageShape<I>;
      try {
        m = binary ? fromBinary(method.input, data) : fromJsonString(method.input, data.toString("utf8"), { ignoreUnknownFields: true });
      } catch (e) {
        throw new ConnectError(`parse ${binary ? "binary" : "json"}: ${(e as Error).message}`, Code.InvalidArgument);
      }
      yield m;
    }
  }
}

function drained(stream: http2.ServerHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
