import { CommanderError } from "commander";
import { loadDotenvFile } from "../server/config/config.js";
import { createProgram } from "./program.js";
import { ExitCode } from "./services/exit-codes.js";

// The same .env the server reads, so `token mint` signs with the server's AUTH_JWT_SECRET.
loadDotenvFile();

let code: number = ExitCode.ok;
try {
  await (await createProgram(process.argv)).parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander has already printed its one line ("error: unknown option '--titel' (Did you mean --title?)") or the help.
    code = e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else {
    // Loaded only on failure: it brings Connect in, which --help and token mint do not need.
    const { describe } = await import("./services/cli-error.js");
    const { line, exitCode } = describe(e);
    process.stderr.write(`concert-admin: ${line}\n`);
    code = exitCode;
  }
}
// kafkajs and HTTP keep-alive leave sockets and timers behind; the work is done, so do not wait for them.
process.exit(code);
