import { Code, type Interceptor } from "@connectrpc/connect";
import type { DescMethod } from "@bufbuild/protobuf";
import type { TextMapGetter } from "@opentelemetry/api";
import { toConnectError } from "./error.interceptor.js";
import { context, extractContext, SpanKind, SpanStatusCode, startSpan, trace, type Span } from "../../tracing/tracing.js";

/** Codes that are the server's fault (OpenTelemetry RPC conventions, server side); the rest leave the status unset. */
const SERVER_FAULTS = new Set([Code.Unknown, Code.DeadlineExceeded, Code.Unimplemented, Code.Internal, Code.Unavailable, Code.DataLoss]);

const headerGetter: TextMapGetter<Headers> = {
  get: (h, key) => h.get(key) ?? undefined,
  keys: (h) => [...h.keys()],
};

interface Names {
  name: string;
  service: string;
  method: string;
}

/**
 * One server span per RPC, named `concert.v1.Service/Method`, with the rpc.* attributes and the result
 * code; a caller's `traceparent` (Connect header or gRPC metadata) makes it a child of the caller's span.
 * Everything the handler does runs in its context, so MySQL, Redis and outbox spans become its children.
 * Only in the chain when tracing is on (server.ts), and outermost, so its time covers every interceptor.
 */
export function createTracingInterceptor(): Interceptor {
  const names = new Map<DescMethod, Names>();
  const namesOf = (method: DescMethod): Names => {
    let n = names.get(method);
    if (!n) names.set(method, (n = { name: `${method.parent.typeName}/${method.name}`, service: method.parent.typeName, method: method.name }));
    return n;
  };
  return (next) => async (req) => {
    const n = namesOf(req.method);
    const grpc = (req.header.get("content-type") ?? "").startsWith("application/grpc");
    const parent = extractContext(req.header, headerGetter, context.active());
    const span = startSpan(n.name, SpanKind.SERVER, { "rpc.system": grpc ? "grpc" : "connect_rpc", "rpc.service": n.service, "rpc.method": n.method }, parent);
    if (span === undefined) return next(req);
    const ctx = trace.setSpan(parent, span);
    try {
      const res = await context.with(ctx, () => next(req));
      if (!res.stream) {
        finish(span, grpc, undefined);
        return res;
      }
      return {
        ...res,
        message: (async function* () {
          try {
            yield* res.message;
            finish(span, grpc, undefined);
          } catch (e) {
            finish(span, grpc, e);
            throw e;
          }
        })(),
      };
    } catch (e) {
      finish(span, grpc, e);
      throw e;
    }
  };
}

function finish(span: Span, grpc: boolean, e: unknown): void {
  const code: number = e === undefined ? 0 : toConnectError(e).code; // 0: OK, which Connect's Code has no member for
  if (grpc) span.setAttribute("rpc.grpc.status_code", code);
  if (code !== 0) {
    const name = Code[code as Code];
    if (!grpc) span.setAttribute("rpc.connect_rpc.error_code", connectCodeName(name));
    if (SERVER_FAULTS.has(code)) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: name });
      span.setAttribute("error.type", name);
    }
  }
  span.end();
}

/** Connect's wire names are snake_case (`not_found`, `resource_exhausted`). */
const connectCodeName = (enumName: string): string => enumName.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
