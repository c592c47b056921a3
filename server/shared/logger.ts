import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stdout (one object a line), as log shippers expect. */
export function createLogger(level = "info"): Logger {
  return pino({
    level,
    base: { service: "concert-server", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
