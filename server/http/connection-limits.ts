import type * as http from "node:http";
import * as http2 from "node:http2";
import type * as net from "node:net";
import type { ConnectionLimits } from "../config/config.js";

export type { ConnectionLimits };

const RESET_WINDOW_MS = 10_000;
const { NGHTTP2_ENHANCE_YOUR_CALM } = http2.constants;

/** Node's own defaults (no limit on streams, 60 s headers, 5 s keep-alive) are replaced by SPEC 7.2's. */
export const DEFAULT_LIMITS: ConnectionLimits = {
  h2MaxConcurrentStreams: 100,
  headersTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  h2MaxResetsPer10s: 200,
};

/** HTTP/2 server options: the stream limit goes out in SETTINGS, and nghttp2 refuses streams beyond it. */
export function h2Options(limits: ConnectionLimits): http2.ServerOptions {
  return { settings: { maxConcurrentStreams: limits.h2MaxConcurrentStreams } };
}

/**
 * A socket the listener is still sniffing (HTTP/2 preface or not) is closed when the first bytes do
 * not settle the question within the headers timeout: a silent connection or a partial preface.
 * Returns the function that stops the timer once the socket is handed over.
 */
export function sniffDeadline(socket: net.Socket, limits: ConnectionLimits): () => void {
  const timer = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * HTTP/1.1 timeouts. Node's http.Server checks headers and request timeouts only for connections it
 * tracks, and it starts tracking on its 'listening' event; this server never listens itself (the
 * port-sharing listener hands sockets over), so that event is raised here once the port is bound.
 * Between requests the keep-alive timeout is the idle timeout.
 */
export function applyH1Limits(h1: http.Server, limits: ConnectionLimits, bodyTimeoutMs: number): { startTracking(): void } {
  h1.headersTimeout = limits.headersTimeoutMs;
  // A request must be complete (headers and body) within the headers time plus the RPC deadline: an
  // unfinished body would otherwise hold the connection for Node's default 300 s.
  h1.requestTimeout = limits.headersTimeoutMs + bodyTimeoutMs;
  h1.keepAliveTimeout = limits.idleTimeoutMs;
  (h1 as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4)));
  // A response sent before its request's body arrived (e.g. a deadline hit while the client dribbles
  // the body) leaves Node waiting for that body on a keep-alive connection forever: close it instead.
  h1.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.once("finish", () => {
      if (!req.complete) req.socket.destroySoon();
    });
  });
  return { startTracking: () => void h1.emit("listening") };
}

/**
 * Per HTTP/2 session: GOAWAY and close when no stream has been open for the idle timeout, and GOAWAY
 * (ENHANCE_YOUR_CALM) plus close when the peer resets more streams than allowed in 10 s (CVE-2023-44487,
 * "rapid reset": each reset stream costs the server a dispatch and a handler it never gets to finish).
 */
export function guardH2Session(session: http2.ServerHttp2Session, limits: ConnectionLimits): void {
  let open = 0;
  let idle: NodeJS.Timeout | undefined;
  const resets: number[] = [];
  let cut = false;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      // close() sends GOAWAY and ends the session once in-flight streams are done (there are none).
      if (!session.closed && !session.destroyed) session.close();
    }, limits.idleTimeoutMs);
    idle.unref();
  };
  armIdle();
  session.once("close", () => clearTimeout(idle));
  session.on("stream", (stream: http2.ServerHttp2Stream) => {
    open++;
    clearTimeout(idle);
    stream.once("close", () => {
      open--;
      if (open === 0 && !session.closed) armIdle();
      // A stream the peer reset (or one we cut) closes with a non-zero RST_STREAM code.
      if (!stream.rstCode) return;
      const now = Date.now();
      resets.push(now);
      while (resets.length > 0 && resets[0] <= now - RESET_WINDOW_MS) resets.shift();
      if (resets.length > limits.h2MaxResetsPer10s && !session.destroyed && !cut) {
        cut = true;
        // destroy(_, code) would send GOAWAY NO_ERROR; say why first, then drop the connection once it is written.
        session.goaway(NGHTTP2_ENHANCE_YOUR_CALM);
        setImmediate(() => session.destroy());
      }
    });
  });
}
