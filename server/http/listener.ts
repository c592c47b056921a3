import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import { applyH1Limits, DEFAULT_LIMITS, guardH2Session, h2Options, sniffDeadline, type ConnectionLimits } from "./connection-limits.js";

type Handler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void;

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const ignore = () => {};
/** HTTP/2 streams dispatched per event-loop turn (see the stream queue below). */
const STREAMS_PER_TURN = 64;

/**
 * Runs `dispatch`, which may subscribe to the stream's 'end'. A stream with an empty body (HEADERS, then
 * END_STREAM) may already have emitted 'end' while it waited for its turn; a listener added now would
 * never run and the request would wait for its body forever, so such listeners are called on the next
 * tick instead.
 */
function afterEnd(stream: http2.ServerHttp2Stream, dispatch: () => void): void {
  if (!stream.readableEnded) return dispatch();
  const on = stream.on;
  stream.on = function (this: http2.ServerHttp2Stream, event: string | symbol, listener: (...a: unknown[]) => void) {
    if (event !== "end") return on.call(this, event, listener);
    process.nextTick(() => listener.call(this));
    return this;
  } as typeof stream.on;
  try {
    dispatch();
  } finally {
    delete (stream as { on?: unknown }).on;
  }
}

/**
 * One TCP port for every protocol: a connection that opens with the HTTP/2 preface (gRPC with
 * prior knowledge, as grpc-js and mobile clients send it) goes to the HTTP/2 server, anything
 * else to the HTTP/1.1 server (Connect JSON, gRPC-Web, curl, /healthz).
 */
export function createPolyglotListener(handler: Handler, opts: {
  limits?: ConnectionLimits;
  bodyTimeoutMs?: number;
  /**
   * Sees each HTTP/2 stream before Node's compatibility layer wraps it in a request and a response;
   * returning true takes it (server/rpc/lean-stream.ts), false hands it on to `handler` as usual.
   */
  onH2Stream?: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => boolean;
} = {}) {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const h1 = http.createServer(handler as http.RequestListener);
  const h1Limits = applyH1Limits(h1, limits, opts.bodyTimeoutMs ?? 10_000);
  const h2 = http2.createServer(h2Options(limits), handler as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
  // New streams are dispatched (to `onH2Stream`, else to the compatibility layer and Connect) from a queue,
  // at most STREAMS_PER_TURN per event-loop turn, not inside the 'stream' event. Why: Node learns of a whole
  // read's streams at once (a burst of thousands when the server is behind), and dispatching each at once
  // made one turn of the loop run them all while /healthz and every other connection waited. And a stream
  // its client reset meanwhile (rapid reset, CVE-2023-44487: HEADERS + RST_STREAM pairs; Node processes the
  // RST after the 'stream' event's tick) is dropped without building a request, a response and a Connect
  // call for it.
  const compat = h2.listeners("stream") as Array<(...a: unknown[]) => void>;
  h2.removeAllListeners("stream");
  const take = opts.onH2Stream;
  const dispatch = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, rest: unknown[]) => {
    if (stream.closed || stream.destroyed) return; // reset by its client before its turn
    if (take?.(stream, headers)) return;
    for (const l of compat) l.call(h2, stream, headers, ...rest);
  };
  const pending: Array<[http2.ServerHttp2Stream, http2.IncomingHttpHeaders, unknown[]]> = [];
  let head = 0;
  let scheduled = false;
  const turn = () => {
    const end = Math.min(pending.length, head + STREAMS_PER_TURN);
    for (; head < end; head++) {
      const [stream, headers, rest] = pending[head];
      pending[head] = undefined as never;
      afterEnd(stream, () => dispatch(stream, headers, rest));
    }
    if (head < pending.length) return void setImmediate(turn);
    pending.length = 0;
    head = 0;
    scheduled = false;
  };
  h2.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, ...rest: unknown[]) => {
    // A stream reset while it waits (by its client, or refused after a GOAWAY) errors with no listener of its
    // own yet, which would crash the process; whoever takes it adds theirs (the lean path, the compat request).
    stream.on("error", ignore);
    pending.push([stream, headers, rest]);
    if (!scheduled) {
      scheduled = true;
      setImmediate(turn);
    }
  });
  const sockets = new Set<net.Socket>();
  // http.Server tracks idle keep-alive connections only for sockets it accepted itself, so count in-flight requests here.
  const h1Busy = new Map<net.Socket, number>();
  let closing = false;
  h1.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    h1Busy.set(socket, (h1Busy.get(socket) ?? 0) + 1);
    if (closing) res.setHeader("connection", "close");
    res.once("close", () => {
      const left = (h1Busy.get(socket) ?? 1) - 1;
      h1Busy.set(socket, left);
      if (closing && left === 0) socket.destroy();
    });
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (s) => {
    sessions.add(s);
    guardH2Session(s, limits);
    s.once("close", () => sessions.delete(s));
  });

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let head = Buffer.alloc(0);
    const sniffed = sniffDeadline(socket, limits);
    const route = () => {
      sniffed();
      socket.removeListener("data", onData);
      socket.pause();
      socket.unshift(head);
      const isH2 = head.length >= H2_PREFACE.length ? head.subarray(0, H2_PREFACE.length).equals(H2_PREFACE) : false;
      if (isH2) {
        // Http2Session drains what is already buffered on the socket before it takes over the handle.
        h2.emit("connection", socket);
      } else {
        // The HTTP/1 parser reads the handle directly; resuming replays the bytes read while sniffing.
        h1Busy.set(socket, 0);
        socket.once("close", () => h1Busy.delete(socket));
        h1.emit("connection", socket);
        socket.resume();
      }
    };
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      // Decide as soon as the bytes seen can no longer be, or surely are, the HTTP/2 preface.
      const n = Math.min(head.length, H2_PREFACE.length);
      if (!head.subarray(0, n).equals(H2_PREFACE.subarray(0, n)) || head.length >= H2_PREFACE.length) route();
    };
    socket.on("data", onData);
  });
  tcp.once("listening", () => h1Limits.startTracking());

  return {
    tcp,
    h1,
    h2,
    /** Stops accepting, lets in-flight requests finish for up to graceMs, then cuts what is left. */
    async close(graceMs = 10_000): Promise<void> {
      closing = true;
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const [socket, busy] of h1Busy) if (busy === 0) socket.destroy();
      for (const s of sessions) s.close();
      const forced = setTimeout(() => {
        for (const s of sessions) s.destroy();
        for (const s of sockets) s.destroy();
      }, graceMs);
      forced.unref();
      h1.close();
      h2.close();
      await closed;
      clearTimeout(forced);
    },
  };
}
