import { Box, Text } from "ink";
import type { Pairs } from "../services/output.js";


/** A record shown as labelled lines, with an optional headline such as "✔ created concert 12". */
export function Details({ pairs, headline, color = "green" }: { pairs: Pairs; headline?: string; color?: string }) {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return (
    <Box flexDirection="column">
      {headline ? (
        <Text color={color} bold>
          {headline}
        </Text>
      ) : null}
      {pairs.map(([k, v]) => (
        <Text key={k}>
          <Text dimColor>{k.padEnd(w)}</Text> {v}
        </Text>
      ))}
    </Box>
  );
}
