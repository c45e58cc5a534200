import { Presets, SingleBar } from 'cli-progress';

// --- progress --------------------------------------------------------------------------------

/**
 * Progress by bytes read, which is known without counting the file's lines first (that would
 * read the whole file twice). A bar on a terminal; otherwise (CI, a log file) one plain line
 * per 5 %, since a redrawn bar would fill the log with control characters.
 */
export class Progress {
  private readonly bar: SingleBar | null;
  private nextPlainPercent: number;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    startBytes: number,
    private readonly startEvents: number,
  ) {
    const tty = Boolean(process.stdout.isTTY);
    this.bar = tty
      ? new SingleBar(
          {
            format: 'Importing {bar} {percentage}% | {done}/{size} MiB | {rate} events/s | ETA {eta_formatted}',
            stream: process.stdout,
            hideCursor: true,
            etaBuffer: 50,
            fps: 5,
          },
          Presets.shades_classic,
        )
      : null;
    this.nextPlainPercent = Math.floor(this.percent(startBytes) / 5) * 5 + 5;
    this.bar?.start(Math.max(total, 1), startBytes, this.payload(startBytes, startEvents));
  }

  update(bytes: number, events: number): void {
    if (this.bar) return this.bar.update(bytes, this.payload(bytes, events));
    const percent = this.percent(bytes);
    if (percent < this.nextPlainPercent) return;
    this.nextPlainPercent = Math.floor(percent / 5) * 5 + 5;
    const p = this.payload(bytes, events);
    console.log(`  ${Math.floor(percent)}% | ${p.done}/${p.size} MiB | ${events.toLocaleString('en')} events | ${p.rate} events/s`);
  }

  stop(): void {
    this.bar?.stop();
  }

  private percent(bytes: number): number {
    return this.total === 0 ? 100 : (bytes / this.total) * 100;
  }

  private payload(bytes: number, events: number) {
    const mib = (n: number) => (n / 2 ** 20).toFixed(1);
    return {
      done: mib(bytes),
      size: mib(this.total),
      rate: Math.round(eventsPerSecond(events - this.startEvents, Date.now() - this.started)).toLocaleString('en'),
    };
  }
}

export function eventsPerSecond(events: number, ms: number): number {
  return ms > 0 ? (events * 1000) / ms : 0;
}
