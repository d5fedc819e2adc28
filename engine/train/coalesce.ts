/**
 * Batch events are far more frequent than a chart can use (hundreds per second on small nets):
 * forward at most one per `intervalMs`, the latest batch winning, so the host stays responsive.
 */
export class Coalescer<T> {
  private lastSent = -Infinity;

  constructor(
    private readonly send: (value: T) => void,
    private readonly clock: () => number,
    private readonly intervalMs = 50,
  ) {}

  /** Sends now if the interval has passed, else drops this value (a later one will carry on). */
  offer(value: T): void {
    const now = this.clock();
    if (now - this.lastSent < this.intervalMs) return;
    this.lastSent = now;
    this.send(value);
  }
}
