import type { HistoryClock } from '../collab/version-cutter.js';

/** The history's clock moved by hand: `advance` runs the timers that fall due, in order. */
export class ManualClock implements HistoryClock {
  private timers: Array<{ at: number; run: () => void }> = [];

  constructor(private time = Date.UTC(2026, 0, 5, 9)) {}

  now(): number {
    return this.time;
  }

  schedule(run: () => void, ms: number): () => void {
    const timer = { at: this.time + ms, run };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** How many timers fall due within `ms` from now. */
  dueWithin(ms: number): number {
    return this.timers.filter((t) => t.at <= this.time + ms).length;
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.run();
    }
    this.time = until;
  }
}
