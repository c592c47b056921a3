/**
 * A regular expression matching exactly the decimal integers in [lo, hi]. 64-bit protobuf integers
 * travel as JSON strings, where minimum/maximum do not apply; this pattern carries the bounds there.
 * Splits the range into runs like 1[0-9]{2} (after the well-known "regex for numeric range" method).
 */
export function integerRangePattern(lo: bigint, hi: bigint): string {
  const alts: string[] = [];
  if (lo < 0n) alts.push(...nonNegative(hi < 0n ? -hi : 1n, -lo).map((p) => `-${p}`));
  if (hi >= 0n) alts.push(...nonNegative(lo < 0n ? 0n : lo, hi));
  return `^(?:${alts.join("|")})$`;
}

function nonNegative(lo: bigint, hi: bigint): string[] {
  const out: string[] = [];
  let start = lo;
  for (const stop of splitPoints(lo, hi)) {
    out.push(runPattern(start, stop));
    start = stop + 1n;
  }
  return out;
}

/** Ends of the sub-ranges: each one differs from its start only in a digit range followed by free digits. */
function splitPoints(lo: bigint, hi: bigint): bigint[] {
  const stops = new Set<bigint>([hi]);
  const byNines = (n: bigint, k: number) => {
    const s = n.toString();
    return BigInt(s.length <= k ? "9".repeat(k) : s.slice(0, s.length - k) + "9".repeat(k));
  };
  const byZeros = (n: bigint, k: number) => n - (n % 10n ** BigInt(k));
  for (let k = 1, stop = byNines(lo, k); lo <= stop && stop < hi; k++, stop = byNines(lo, k)) stops.add(stop);
  for (let k = 1, stop = byZeros(hi + 1n, k) - 1n; lo < stop && stop <= hi; k++, stop = byZeros(hi + 1n, k) - 1n) stops.add(stop);
  return [...stops].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function runPattern(start: bigint, stop: bigint): string {
  const a = start.toString();
  const b = stop.toString();
  let p = "";
  let free = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) p += a[i];
    else if (a[i] === "0" && b[i] === "9") free++;
    else p += `[${a[i]}-${b[i]}]`;
  }
  if (free === 1) p += "[0-9]";
  else if (free > 1) p += `[0-9]{${free}}`;
  return p;
}
