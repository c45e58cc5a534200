import fc from 'fast-check';
import { classifyTimeliness, Timeliness } from '../../src/domain/timeliness';
import { instantArb, PROPERTY_RUNS, vn } from './helpers';

// Due Tue 29 Apr 2025 17:00 +07:00 (the docs/SPEC.md §2 example).
const dueAt = vn('2025-04-29 17:00');
const longAfter = vn('2025-06-01 10:00');

describe('classifyTimeliness', () => {
  it('EARLY: completed on a local date before the due date', () => {
    expect(classifyTimeliness({ dueAt, completedAt: vn('2025-04-26 10:00'), now: longAfter })).toBe(Timeliness.EARLY);
    expect(classifyTimeliness({ dueAt, completedAt: vn('2025-04-28 23:59:59'), now: longAfter })).toBe(Timeliness.EARLY);
    // 2025-04-28T16:59:59Z is Mon 28 23:59:59 in Viet Nam.
    expect(classifyTimeliness({ dueAt, completedAt: new Date('2025-04-28T16:59:59.999Z'), now: longAfter })).toBe(Timeliness.EARLY);
  });

  it('ON_TIME: completed on the due date at or before the due time (local dates, not UTC)', () => {
    expect(classifyTimeliness({ dueAt, completedAt: vn('2025-04-29 00:00'), now: longAfter })).toBe(Timeliness.ON_TIME);
    // 2025-04-28T17:30Z is still the 28th in UTC but already Tue 29 00:30 in Viet Nam.
    expect(classifyTimeliness({ dueAt, completedAt: new Date('2025-04-28T17:30:00Z'), now: longAfter })).toBe(Timeliness.ON_TIME);
    expect(classifyTimeliness({ dueAt, completedAt: vn('2025-04-29 09:15'), now: longAfter })).toBe(Timeliness.ON_TIME);
    expect(classifyTimeliness({ dueAt, completedAt: new Date(dueAt.getTime()), now: longAfter })).toBe(Timeliness.ON_TIME);
  });

  it('LATE: completed after the due time, even on the due date after office end', () => {
    expect(classifyTimeliness({ dueAt, completedAt: new Date(dueAt.getTime() + 1), now: longAfter })).toBe(Timeliness.LATE);
    expect(classifyTimeliness({ dueAt, completedAt: vn('2025-04-29 17:30'), now: longAfter })).toBe(Timeliness.LATE);
    expect(classifyTimeliness({ dueAt, completedAt: vn('2025-05-05 08:00'), now: longAfter })).toBe(Timeliness.LATE);
  });

  it('a completed dossier ignores now', () => {
    expect(classifyTimeliness({ dueAt, completedAt: vn('2025-04-28 10:00'), now: vn('2025-04-27 10:00') })).toBe(Timeliness.EARLY);
    expect(classifyTimeliness({ dueAt, completedAt: vn('2025-04-30 10:00'), now: vn('2025-04-27 10:00') })).toBe(Timeliness.LATE);
  });

  it('OVERDUE: open and past due', () => {
    expect(classifyTimeliness({ dueAt, completedAt: null, now: new Date(dueAt.getTime() + 1) })).toBe(Timeliness.OVERDUE);
    expect(classifyTimeliness({ dueAt, now: vn('2025-05-05 08:00') })).toBe(Timeliness.OVERDUE);
  });

  it('PENDING: open and not yet due (at the due instant it is still pending)', () => {
    expect(classifyTimeliness({ dueAt, completedAt: null, now: vn('2025-04-28 10:00') })).toBe(Timeliness.PENDING);
    expect(classifyTimeliness({ dueAt, completedAt: undefined, now: new Date(dueAt.getTime()) })).toBe(Timeliness.PENDING);
  });

  it('PENDING while waiting for a supplement asked before the due time: the clock is stopped (docs/SPEC.md §2)', () => {
    const later = vn('2025-05-06 10:00');
    expect(classifyTimeliness({ dueAt, now: later, waitingSince: vn('2025-04-28 10:00') })).toBe(Timeliness.PENDING);
    expect(classifyTimeliness({ dueAt, now: later, waitingSince: new Date(dueAt.getTime()) })).toBe(Timeliness.PENDING);
    // Asked after the due time, it was late already: still OVERDUE.
    expect(classifyTimeliness({ dueAt, now: later, waitingSince: new Date(dueAt.getTime() + 1) })).toBe(Timeliness.OVERDUE);
    expect(classifyTimeliness({ dueAt, now: later, waitingSince: null })).toBe(Timeliness.OVERDUE);
  });

  it('agrees with a direct reading of the rule for arbitrary instants', () => {
    const localDate = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
    fc.assert(
      fc.property(instantArb, fc.option(instantArb, { nil: null }), instantArb, (due, completedAt, now) => {
        const t = classifyTimeliness({ dueAt: due, completedAt, now });
        let expected: Timeliness;
        if (completedAt === null) expected = now > due ? Timeliness.OVERDUE : Timeliness.PENDING;
        else if (completedAt > due) expected = Timeliness.LATE;
        else if (localDate(completedAt) < localDate(due)) expected = Timeliness.EARLY;
        else expected = Timeliness.ON_TIME;
        expect(t).toBe(expected);
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('Timeliness', () => {
  it('enum values equal their names', () => {
    for (const [k, v] of Object.entries(Timeliness)) expect(v).toBe(k);
    expect(Object.keys(Timeliness)).toHaveLength(5);
  });
});
