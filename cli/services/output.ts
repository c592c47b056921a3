import { toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { layoutTable, type Column } from "../components/table-layout.js";

/**
 * Ink draws only for a person at a terminal; anything else (a pipe, a file, a test) gets plain
 * lines it can grep, or JSON with --json.
 */
export function isInteractive(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true;
}

/**
 * The protobuf JSON of a message, as the Connect API returns it (int64 as strings), except that
 * zero values are kept: a script reading `.waiting` should get "0", not null.
 */
export function protoJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) {
  return toJson(schema, message, { alwaysEmitImplicit: true });
}

/** One JSON document per line, so --json output of watch commands can be piped into jq. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printLines(lines: string[]): void {
  if (lines.length) process.stdout.write(`${lines.join("\n")}\n`);
}

/** A table as plain text lines for pipes: aligned columns, never truncated. */
export function plainTable(columns: Column[], rows: string[][]): string[] {
  return layoutTable(columns, rows);
}

export type Pairs = [label: string, value: string][];

/** "label  value" lines for pipes, labels padded to one width. */
export function detailLines(pairs: Pairs): string[] {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
}

/** 5s, 2m 03s, 1h 05m. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Whole numbers with thousands separators. */
export const num = (v: bigint | number) => (typeof v === "bigint" ? v.toLocaleString("en-US") : Math.round(v).toLocaleString("en-US"));
export const krw = (v: bigint | number) => `₩${num(v)}`;
