import { Box, Text, useStdout } from "ink";
import { displayWidth, layoutTable, type Column } from "./table-layout.js";

export interface TableProps {
  columns: Column[];
  rows: string[][];
  /** Cells available; defaults to the terminal's width. */
  width?: number;
  /** Shown instead of an empty body. */
  empty?: string;
}

/** A table that fits the terminal: shrinkable columns are cut with "…" rather than wrapped. */
export function Table({ columns, rows, width, empty = "(none)" }: TableProps) {
  const { stdout } = useStdout();
  const cells = Math.max(20, width ?? stdout.columns ?? 80);
  const [head, ...body] = layoutTable(columns, rows, cells);
  return (
    <Box flexDirection="column">
      <Text bold>{head}</Text>
      <Text dimColor>{"─".repeat(Math.min(cells, Math.max(displayWidth(head), ...body.map(displayWidth))))}</Text>
      {body.length === 0 ? <Text dimColor>{empty}</Text> : body.map((line, i) => <Text key={i}>{line}</Text>)}
    </Box>
  );
}
