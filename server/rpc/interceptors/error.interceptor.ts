import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { isDomainError } from "../../shared/domain-error.js";
import { connectCodeOf } from "../error-codes.js";
import type { Logger } from "../../shared/logger.js";

const UNAVAILABLE_MESSAGE = "the service is briefly unavailable; retry in a few seconds";
const INTERNAL_MESSAGE = "something went wrong on our side; retry, and contact support if it persists";

/** True for errors that mean MySQL or Redis could not be reached, rather than a bug. */
export function isDependencyDown(e: unknown): boolean {
  const err = e as { name?: string; code?: string; message?: string; parent?: unknown } | undefined;
  if (!err) return false;
  const names = ["SequelizeConnectionError", "SequelizeConnectionRefusedError", "SequelizeHostNotFoundError",
    "SequelizeConnectionAcquireTimeoutError", "SequelizeConnectionTimedOutError", "SequelizeHostNotReachableError",
    "MaxRetriesPerRequestError"];
  if (err.name && names.includes(err.name)) return true;
  const codes = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "PROTOCOL_CONNECTION_LOST"];
  if (err.code && codes.includes(err.code)) return true;
  if (typeof err.message === "string" && /Connection is closed|Stream isn't writeable|enableOfflineQueue/.test(err.message)) {
    return true;
  }
  return err.parent !== undefined && err.parent !== e ? isDependencyDown(err.parent) : false;
}

/** Turns any error into a ConnectError whose message is safe to send; the original is kept as cause for logs. */
export function toConnectError(e: unknown): ConnectError {
  if (e instanceof ConnectError) return e;
  if (isDomainError(e)) return new ConnectError(e.message, connectCodeOf[e.code], undefined, undefined, e);
  if (isDependencyDown(e)) return new ConnectError(UNAVAILABLE_MESSAGE, Code.Unavailable, undefined, undefined, e);
  return new ConnectError(INTERNAL_MESSAGE, Code.Internal, undefined, undefined, e);
}

/**
 * Outermost interceptor: maps domain errors to Connect codes, hides internals (SQL, stack traces)
 * behind a generic message, and logs the cause with the RPC name.
 */
export function createErrorInterceptor(logger: Logger): Interceptor {
  // The RPC's name is built only when something is logged, not on every call.
  const log = (req: { service: { typeName: string }; method: { name: string } }, ce: ConnectError) => {
    const rpc = `${req.service.typeName}/${req.method.name}`;
    if (ce.code === Code.Internal || ce.code === Code.Unavailable) {
      logger.error({ rpc, code: Code[ce.code], err: ce.cause ?? ce }, "rpc failed");
    } else {
      logger.debug({ rpc, code: Code[ce.code], msg: ce.rawMessage }, "rpc refused");
    }
  };
  // A client that cancels its own call (or hangs up) is not a server error: whatever the abort made
  // the handler throw is answered as CANCELED and logged at debug (SPEC 7.2).
  const map = (e: unknown, signal: AbortSignal): ConnectError => {
    const ce = toConnectError(e);
    if (!signal.aborted || (ce.code !== Code.Internal && ce.code !== Code.Unknown)) return ce;
    return new ConnectError("the call was cancelled by the client", Code.Canceled, undefined, undefined, e);
  };
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return {
        ...res,
        message: (async function* () {
          try {
            yield* res.message;
          } catch (e) {
            const ce = map(e, req.signal);
            log(req, ce);
            throw ce;
          }
        })(),
      };
    } catch (e) {
      const ce = map(e, req.signal);
      log(req, ce);
      throw ce;
    }
  };
}
