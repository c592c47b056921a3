import { Text } from "ink";

const BARS = "▁▂▃▄▅▆▇█";

export interface Sample {
  at: number;
  value: number;
}

/**
 * Spreads timed samples over `width` equal slices of the last `windowMs`; a slice shows the
 * largest value seen in it, a slice with no sample repeats the one before (the value held), and
 * slices before the first sample stay empty.
 */
export function bucketize(samples: Sample[], now: number, windowMs: number, width: number): (number | undefined)[] {
  const start = now - windowMs;
  const slice = windowMs / width;
  const out: (number | undefined)[] = new Array(width).fill(undefined);
  for (const s of samples) {
    if (s.at < start || s.at > now) continue;
    const i = Math.min(width - 1, Math.floor((s.at - start) / slice));
    out[i] = Math.max(out[i] ?? 0, s.value);
  }
  let last: number | undefined;
  for (let i = 0; i < width; i++) {
    if (out[i] === undefined) out[i] = last;
    else last = out[i];
  }
  return out;
}

/** Bars scaled from 0 to the largest value; undefined is a gap. */
export function sparkline(values: (number | undefined)[]): string {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  return values
    .map((v) => {
      if (v === undefined) return " ";
      if (max === 0) return BARS[0];
      return BARS[Math.min(BARS.length - 1, Math.round((v / max) * (BARS.length - 1)))];
    })
    .join("");
}

export function Sparkline({ values, color = "cyan" }: { values: (number | undefined)[]; color?: string }) {
  return (
    <Text color={color} wrap="truncate">
      {sparkline(values)}
    </Text>
  );
}
