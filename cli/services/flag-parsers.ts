import { InvalidArgumentError } from "commander";

// Commander calls these with the raw flag or argument text; an InvalidArgumentError becomes
// "error: option '--date <YYYY-MM-DD>' argument '...' is invalid. <reason>", which names the flag.

/** A positive int64 id such as a concert or user id. */
export function positiveId(raw: string): bigint {
  if (!/^\d{1,19}$/.test(raw.trim()) || BigInt(raw.trim()) === 0n) {
    throw new InvalidArgumentError("Expected a positive whole number such as 42.");
  }
  return BigInt(raw.trim());
}

/** A whole number in [min, max]. */
export function wholeNumber(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** A calendar date "YYYY-MM-DD" that exists (no February 30th). */
export function calendarDate(raw: string): string {
  const d = raw.trim();
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
  if (!ok || Number.isNaN(new Date(`${d}T00:00:00Z`).getTime())) {
    throw new InvalidArgumentError("Expected a calendar date as YYYY-MM-DD, such as 2026-05-01.");
  }
  return d;
}

/** A 24-hour clock time "HH:MM". */
export function clockTime(raw: string): string {
  const t = raw.trim();
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(t)) throw new InvalidArgumentError("Expected a 24-hour time as HH:MM, such as 19:30.");
  return t;
}

export interface GradeFlag {
  grade: string;
  count: number;
  price: bigint;
}

/** One repeatable --grade NAME:COUNT:PRICE, collected in the order given (seat numbering follows it). */
export function gradeSpec(raw: string, previous: GradeFlag[] = []): GradeFlag[] {
  const m = /^([^:\s]{1,20}):(\d{1,5}):(\d{1,8})$/.exec(raw.trim());
  if (!m) {
    throw new InvalidArgumentError("Expected NAME:COUNT:PRICE such as R:50:150000 (price in whole KRW).");
  }
  return [...previous, { grade: m[1], count: Number(m[2]), price: BigInt(m[3]) }];
}

/** Appends each use of a repeatable flag. */
export function collect(raw: string, previous: string[] = []): string[] {
  return [...previous, ...raw.split(",").map((s) => s.trim()).filter(Boolean)];
}

/** A JWT lifetime such as 30m, 1h, 7d or a number of seconds. */
export function duration(raw: string): number {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
  const seconds = m ? Number(m[1]) * unit[(m[2] ?? "s") as keyof typeof unit] : NaN;
  if (!m || !(seconds > 0) || seconds > 30 * 86_400) {
    throw new InvalidArgumentError("Expected a lifetime such as 30m, 1h or 7d (at most 30d).");
  }
  return seconds;
}

/** Seconds between refreshes of a live view. */
export function interval(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0.2 || n > 60) throw new InvalidArgumentError("Expected seconds between 0.2 and 60.");
  return Math.round(n * 1000);
}
