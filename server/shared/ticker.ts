/**
 * The one tick loop (admission, hold sweeper, queue watchers): the next tick is timed from the end of
 * the last one, so a slow dependency never piles ticks up; stop() waits for the tick in flight.
 * `tick` handles its own errors (it knows what to log); a rejection is swallowed so the loop survives.
 */
export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly tick: () => Promise<void>,
    /** A number, or a function read before each wait (a period that stretches with load). */
    private readonly intervalMs: number | (() => number),
    /** Tick at once on start (catch up after a restart) instead of after the first interval. */
    private readonly immediate = false,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.immediate && !this.running) this.run();
    else this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private run(): void {
    this.running = this.tick()
      .catch(() => {})
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, typeof this.intervalMs === "number" ? this.intervalMs : this.intervalMs());
  }
}
