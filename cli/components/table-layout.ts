/** A column of a table: `shrink` marks text columns that may be cut with "…" to fit the terminal. */
export interface Column {
  header: string;
  align?: "left" | "right";
  shrink?: boolean;
}

const GAP = "  ";
const MIN_WIDTH = 4;

/** Terminal cells a string takes: Hangul, CJK and most emoji take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x300 && c <= 0x36f) || c === 0x200d || (c >= 0xfe00 && c <= 0xfe0f)) continue;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

/** Cuts a string to at most `width` cells, marking the cut with "…". */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = "";
  let w = 0;
  for (const ch of s) {
    const cw = displayWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

function pad(s: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(s)));
  return align === "right" ? fill + s : s + fill;
}

/**
 * Lays a table out as text lines (header first) no wider than `width`. When it does not fit,
 * the widest shrinkable columns (or any column, if none is marked) give up cells first.
 */
export function layoutTable(columns: Column[], rows: string[][], width = Infinity): string[] {
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1);
  const shrinkable = columns.some((c) => c.shrink) ? columns.map((c) => !!c.shrink) : columns.map(() => true);
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (shrinkable[i] && w > MIN_WIDTH && (widest < 0 || w > widths[widest])) widest = i;
    });
    if (widest < 0) break;
    widths[widest] -= 1;
  }
  const line = (cells: string[]) =>
    columns
      .map((c, i) => pad(truncate(cells[i] ?? "", widths[i]), widths[i], c.align ?? "left"))
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}
