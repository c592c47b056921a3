/**
 * Runs a long-lived view until it ends by itself or the operator presses Ctrl-C (SIGINT) or the
 * process is told to stop (SIGTERM). On the first signal `onStop` gets to clean up (leave the Kafka
 * group, unmount Ink so the cursor comes back); a second Ctrl-C exits at once.
 */
export async function untilStopped(run: (stopped: () => boolean) => Promise<unknown>, onStop?: () => unknown): Promise<void> {
  let stopping = false;
  let wake: () => void = () => {};
  const signalled = new Promise<void>((resolve) => (wake = resolve));
  const handler = () => {
    if (stopping) process.exit(130);
    stopping = true;
    void Promise.resolve()
      .then(onStop)
      .catch(() => {})
      .finally(wake);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  try {
    await Promise.race([run(() => stopping), signalled]);
  } finally {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  }
}
