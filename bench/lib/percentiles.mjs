/** Latency summary in ms from raw samples (every sample kept: runs are short, so exact percentiles). */
export function summarize(samples) {
  if (samples.length === 0) return { n: 0, p50: null, p95: null, p99: null, mean: null, max: null };
  const s = Float64Array.from(samples).sort();
  const at = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  let sum = 0;
  for (const x of s) sum += x;
  const r = (x) => Math.round(x * 100) / 100;
  return { n: s.length, p50: r(at(50)), p95: r(at(95)), p99: r(at(99)), mean: r(sum / s.length), max: r(s[s.length - 1]) };
}
