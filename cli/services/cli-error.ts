import { Code, ConnectError } from "@connectrpc/connect";
import { ExitCode } from "./exit-codes.js";

export { ExitCode };

/** An error whose message is the one line shown to the operator. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCode = ExitCode.failed) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage);

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "EPIPE"]);

/** The errno code of a Node network failure anywhere in a cause chain, if there is one. */
function networkCodeOf(e: unknown, depth = 0): string | undefined {
  if (!e || typeof e !== "object" || depth > 5) return undefined;
  const err = e as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof err.code === "string" && NETWORK_CODES.has(err.code)) return err.code;
  for (const inner of err.errors ?? []) {
    const found = networkCodeOf(inner, depth + 1);
    if (found) return found;
  }
  return networkCodeOf(err.cause, depth + 1);
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "timed out",
  EPIPE: "connection closed",
};

/**
 * Turns a failed RPC into the one line an operator reads. The server's own messages already say
 * what to do (and name the field for validation errors), so they are kept and only prefixed with
 * what kind of failure it is.
 */
export function fromRpcError(e: unknown, rpc: string, server: string): CliError {
  if (e instanceof CliError) return e;
  const net = networkCodeOf(e);
  if (net) {
    return new CliError(
      `cannot reach the server at ${server} (${REASONS[net] ?? net}): is it running? Point --server or CONCERT_SERVER at it`,
      ExitCode.unreachable,
    );
  }
  if (!(e instanceof ConnectError)) {
    return new CliError(`${rpc} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const msg = e.rawMessage;
  switch (e.code) {
    case Code.Unauthenticated:
      return new CliError(
        `not signed in (${msg}): pass an admin JWT with --token or CONCERT_ADMIN_TOKEN; for a local server mint one with \`concert-admin token mint --user 1 --admin\``,
        ExitCode.denied,
      );
    case Code.PermissionDenied:
      return new CliError(`not allowed: ${msg}`, ExitCode.denied);
    case Code.InvalidArgument:
      return new CliError(msg.startsWith("invalid request") ? msg : `invalid request: ${msg}`, ExitCode.failed);
    case Code.NotFound:
      return new CliError(`not found: ${msg}`, ExitCode.notFound);
    case Code.Unimplemented:
      return new CliError(`the server at ${server} does not offer ${rpc} yet (UNIMPLEMENTED): ${msg}`);
    case Code.DeadlineExceeded:
      return new CliError(`the server at ${server} did not answer ${rpc} in time; retry, or check its health at ${server}/readyz`, ExitCode.unreachable);
    case Code.Unavailable:
      return new CliError(`the server at ${server} is unavailable: ${msg}`, ExitCode.unreachable);
    default:
      return new CliError(`${rpc} failed (${Code[e.code]}): ${msg}`);
  }
}

/** Any error to a one-line reason and an exit code; never a stack trace. */
export function describe(e: unknown): { line: string; exitCode: ExitCode } {
  if (e instanceof CliError) return { line: e.message, exitCode: e.exitCode };
  const msg = e instanceof Error ? e.message : String(e);
  return { line: msg.split("\n")[0] ?? "unexpected error", exitCode: ExitCode.failed };
}
