export interface LatencySummary { n: number; p50: number | null; p95: number | null; p99: number | null; mean: number | null; max: number | null }
export function summarize(samples: ArrayLike<number>): LatencySummary;
