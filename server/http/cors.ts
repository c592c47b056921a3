import type * as http from "node:http";
import type * as http2 from "node:http2";
import { cors } from "@connectrpc/connect";

const allowHeaders = [...cors.allowedHeaders, "Authorization", "X-Queue-Token"].join(", ");
const exposeHeaders = cors.exposedHeaders.join(", ");
const allowMethods = [...cors.allowedMethods, "OPTIONS"].join(", ");

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/**
 * CORS for browser apps on CORS_ORIGINS calling with connect-web (Connect or gRPC-Web).
 * Returns true when it answered a preflight itself.
 */
export function applyCors(origins: string[], req: Req, res: Res): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== "string" || origins.length === 0) return false;
  const allowed = origins.includes("*") || origins.includes(origin);
  if (!allowed) return false;
  res.setHeader("Access-Control-Allow-Origin", origins.includes("*") ? "*" : origin);
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Expose-Headers", exposeHeaders);
  if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
    res.setHeader("Access-Control-Allow-Methods", allowMethods);
    res.setHeader("Access-Control-Allow-Headers", allowHeaders);
    res.setHeader("Access-Control-Max-Age", "7200");
    res.statusCode = 204;
    res.end();
    return true;
  }
  return false;
}
