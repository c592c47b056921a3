import { Code, type Interceptor } from "@connectrpc/connect";
import type { DescMethod } from "@bufbuild/protobuf";
import { toConnectError } from "./error.interceptor.js";
import type { Metrics } from "../../ops/metrics.js";

interface Series {
  count: { inc(): void };
  seconds: { observe(v: number): void };
}

/**
 * Counts RPCs and their latency by RPC and result code. Classifies errors the same way the error interceptor will.
 * The labelled series are looked up once per RPC and code and kept: prom-client otherwise hashes the label
 * object on every call, which was a visible share of a no-op RPC's time (docs/wave2/rpc.md).
 */
export function createMetricsInterceptor(metrics: Metrics): Interceptor {
  const cache = new Map<DescMethod, Map<string, Series>>();
  const seriesOf = (method: DescMethod, code: string): Series => {
    let byCode = cache.get(method);
    if (!byCode) cache.set(method, (byCode = new Map()));
    let s = byCode.get(code);
    if (!s) {
      const rpc = `${method.parent.typeName}/${method.name}`;
      s = { count: metrics.rpcRequests.labels(rpc, code), seconds: metrics.rpcDuration.labels(rpc, code) };
      byCode.set(code, s);
    }
    return s;
  };
  return (next) => async (req) => {
    const t0 = performance.now();
    let code = "OK";
    try {
      return await next(req);
    } catch (e) {
      code = Code[toConnectError(e).code];
      throw e;
    } finally {
      const s = seriesOf(req.method, code);
      s.count.inc();
      s.seconds.observe((performance.now() - t0) / 1000);
    }
  };
}
