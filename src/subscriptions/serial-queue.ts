/**
 * Tasks run one after another, each after the previous one settled; a failed task goes to
 * `onError` and the next one runs. The alert sequencer (one connection, one tick at a time)
 * and the alert hub (deliveries and catch-ups in order) both queue their work here.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Queues a task; the promise settles once it has run (never rejects while onError does not throw). */
  run(task: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(task).catch((err) => this.onError(err));
    return this.tail;
  }

  /** Settles once every task queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }

  /**
   * A trigger that queues `task` unless the one it queued last has not started yet: fired by a
   * timer or a notification while a task hangs, it keeps one more waiting, not one per firing.
   * Returns the queued run, or undefined when nothing was queued (already waiting, or `skip`).
   */
  coalesced(task: () => Promise<void>, skip: () => boolean = () => false): () => Promise<void> | undefined {
    let queued = false;
    return () => {
      if (queued || skip()) return undefined;
      queued = true;
      return this.run(() => {
        queued = false;
        return task();
      });
    };
  }
}
