/** Ids travel as int64 (bigint) in protobuf and as safe JS numbers inside; anything larger cannot exist here. */
export function idOf(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(v);
}
