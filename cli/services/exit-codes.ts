/**
 * Exit codes, so scripts can tell "fix your flags" from "the server is down" without parsing text.
 * Documented in the README's CLI section. In their own file so the CLI's entry can use them without
 * loading Connect (which cli-error.ts needs).
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
  denied: 4,
  notFound: 5,
  /** `reconcile`: Redis and MySQL differ (without --repair, or still after it); the report is on stdout. */
  drift: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
