import { SerialQueue } from '../../src/subscriptions/serial-queue';

/** The one queue of the alert sequencer and the alert hub: in order, failures handed over, triggers coalesced. */
describe('SerialQueue', () => {
  it('runs tasks one after another and goes on after a failure', async () => {
    const errors: unknown[] = [];
    const queue = new SerialQueue((err) => errors.push(err));
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    void queue.run(async () => {
      order.push('a:start');
      await gate;
      order.push('a:end');
    });
    void queue.run(async () => {
      throw new Error('b');
    });
    const last = queue.run(async () => {
      order.push('c');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a:start']);
    release();
    await last;
    await queue.idle();
    expect(order).toEqual(['a:start', 'a:end', 'c']);
    expect(errors).toEqual([new Error('b')]);
  });

  it('keeps at most one coalesced run waiting, and none while skip says so', async () => {
    const queue = new SerialQueue(() => undefined);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    void queue.run(() => gate);
    let runs = 0;
    let stopping = false;
    const trigger = queue.coalesced(
      async () => {
        runs++;
      },
      () => stopping,
    );
    expect(trigger()).toBeDefined();
    expect(trigger()).toBeUndefined();
    expect(trigger()).toBeUndefined();
    release();
    await queue.idle();
    expect(runs).toBe(1);
    // Once the waiting run has started, the next firing queues another.
    expect(trigger()).toBeDefined();
    await queue.idle();
    expect(runs).toBe(2);
    stopping = true;
    expect(trigger()).toBeUndefined();
    await queue.idle();
    expect(runs).toBe(2);
  });
});
