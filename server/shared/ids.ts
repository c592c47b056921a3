import { DomainError } from "./domain-error.js";

/**
 * Ids travel as int64 (bigint) in protobuf and as safe JS numbers inside; anything larger cannot exist
 * here. The validation interceptor refuses such ids first, naming the field; this is the backstop, so
 * an id is never silently read as 0.
 */
export function idOf(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new DomainError("VALIDATION_FAILED", `id ${v} is out of range: ids are at most ${Number.MAX_SAFE_INTEGER}`);
  }
  return Number(v);
}
