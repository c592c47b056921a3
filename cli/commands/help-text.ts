import type { Command } from "commander";

/** Every command's --help ends with examples a person can paste. */
export function examples(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`);
}
