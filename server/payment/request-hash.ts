import { createHash } from "node:crypto";

/**
 * Fingerprint of a request for idempotency: the RPC name is part of it, so one key cannot be
 * replayed across ChargeBalance and Pay.
 */
export function requestHash(rpc: string, fields: Record<string, string | number>): string {
  const canonical = JSON.stringify([rpc, ...Object.keys(fields).sort().map((k) => [k, String(fields[k])])]);
  return createHash("sha256").update(canonical).digest("hex");
}
