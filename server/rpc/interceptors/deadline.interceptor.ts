import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

/** Server-side deadline for unary RPCs, so a stuck dependency cannot hold a request forever. Streams are exempt. */
export function createDeadlineInterceptor(timeoutMs: number): Interceptor {
  return (next) => async (req) => {
    if (req.method.methodKind !== "unary") return next(req);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ConnectError("the request took too long; retry", Code.DeadlineExceeded)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([next(req), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}
