import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

interface Pending {
  due: number;
  reject(e: ConnectError): void;
}

/**
 * Server-side deadline for unary RPCs, so a stuck dependency cannot hold a request forever. Streams are exempt.
 * One sweeping timer serves every request instead of a setTimeout and a Promise.race each: requests start in
 * deadline order, so the sweep stops at the first one still in time. A deadline fires up to one tick
 * (timeoutMs / 20, 10-250 ms) late, which is nothing next to a timeout of seconds.
 */
export function createDeadlineInterceptor(timeoutMs: number): Interceptor {
  const tickMs = Math.min(250, Math.max(10, Math.floor(timeoutMs / 20)));
  const pending = new Set<Pending>();
  let timer: NodeJS.Timeout | undefined;
  const sweep = () => {
    const now = performance.now();
    for (const p of pending) {
      if (p.due > now) break;
      pending.delete(p);
      p.reject(new ConnectError("the request took too long; retry", Code.DeadlineExceeded));
    }
    if (pending.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return (next) => (req) => {
    if (req.method.methodKind !== "unary") return next(req);
    let answer: ReturnType<typeof next>;
    try {
      answer = next(req); // interceptors inside may refuse by throwing at once
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      const p: Pending = { due: performance.now() + timeoutMs, reject };
      pending.add(p);
      if (!timer) timer = setInterval(sweep, tickMs).unref();
      answer.then(
        (res) => {
          pending.delete(p);
          resolve(res);
        },
        (e: unknown) => {
          pending.delete(p);
          reject(e);
        },
      );
    });
  };
}
