import { CommanderError } from "commander";
import { loadDotenvFile } from "../server/config/config.js";
import { createProgram } from "./program.js";
import { describe, ExitCode } from "./services/cli-error.js";

// The same .env the server reads, so `token mint` signs with the server's AUTH_JWT_SECRET.
loadDotenvFile();

let code: number = ExitCode.ok;
try {
  await createProgram().parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander has already printed its one line ("error: unknown option '--titel' (Did you mean --title?)") or the help.
    code = e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else {
    const { line, exitCode } = describe(e);
    process.stderr.write(`concert-admin: ${line}\n`);
    code = exitCode;
  }
}
// kafkajs and HTTP keep-alive leave sockets and timers behind; the work is done, so do not wait for them.
process.exit(code);
