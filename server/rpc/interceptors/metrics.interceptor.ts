import { Code, type Interceptor } from "@connectrpc/connect";
import { toConnectError } from "./error.interceptor.js";
import type { Metrics } from "../../ops/metrics.js";

/** Counts RPCs and their latency by RPC and result code. Classifies errors the same way the error interceptor will. */
export function createMetricsInterceptor(metrics: Metrics): Interceptor {
  return (next) => async (req) => {
    const rpc = `${req.service.typeName}/${req.method.name}`;
    const end = metrics.rpcDuration.startTimer({ rpc });
    const done = (code: Code | "OK") => {
      const label = code === "OK" ? "OK" : Code[code];
      metrics.rpcRequests.inc({ rpc, code: label });
      end({ code: label });
    };
    try {
      const res = await next(req);
      done("OK");
      return res;
    } catch (e) {
      done(toConnectError(e).code);
      throw e;
    }
  };
}
