import fc from 'fast-check';
import { DEFAULT_OFFICE_HOURS, localDateOf, type OfficeHours } from '../../src/domain/calendar';
import { ServiceCommitmentKind } from '../../src/domain/enums';
import {
  computeDueAt,
  dueAtReceipt,
  extendForClockStop,
  FRIDAY_WITHOUT_WAITING,
  type RecordedCommitment,
  type ServiceCommitment,
} from '../../src/domain/deadlines';
import { instantArb, localMinuteOfDay, loadOfficialCalendar, officeHoursArb, PROPERTY_RUNS, vn } from './helpers';

const calendar = loadOfficialCalendar();
const AGENCY_HOURS: OfficeHours = { start: '07:30', end: '16:30' };

function due(local: string, processingDays: number, opts: { hours?: OfficeHours; commitments?: ServiceCommitment[] } = {}): string {
  return computeDueAt({ calendar, receivedAt: vn(local), processingDays, ...opts }).toISOString();
}

describe('computeDueAt: docs/SPEC.md §2 examples (official calendar)', () => {
  it('received Fri 25 Apr 2025 16:00 with 3 days → Tue 29 Apr 17:00 (Sat 26 Apr worked)', () => {
    expect(due('2025-04-25 16:00', 3)).toBe('2025-04-29T10:00:00.000Z');
  });

  it('received the same Friday 17:30 → Mon 5 May 17:00 (30 Apr–4 May off)', () => {
    expect(due('2025-04-25 17:30', 3)).toBe('2025-05-05T10:00:00.000Z');
  });
});

describe('computeDueAt: legal rule', () => {
  it('N = 0: office end of the day of receipt', () => {
    expect(due('2025-03-11 10:00', 0)).toBe(vn('2025-03-11 17:00').toISOString());
    expect(due('2025-03-11 16:59', 0)).toBe(vn('2025-03-11 17:00').toISOString());
  });

  it('N = 0 after hours: office end of the next working day', () => {
    expect(due('2025-03-11 18:00', 0)).toBe(vn('2025-03-12 17:00').toISOString());
    expect(due('2025-03-11 17:00', 0)).toBe(vn('2025-03-12 17:00').toISOString());
    expect(due('2025-03-14 17:30', 0)).toBe(vn('2025-03-17 17:00').toISOString());
    expect(due('2025-04-25 17:30', 0)).toBe(vn('2025-04-26 17:00').toISOString()); // swap Saturday
  });

  it('receipt before office start counts from that day', () => {
    expect(due('2025-03-11 07:00', 1)).toBe(vn('2025-03-12 17:00').toISOString());
    expect(due('2025-03-11 00:30', 0)).toBe(vn('2025-03-11 17:00').toISOString());
  });

  it('weekend receipt counts from the next working day', () => {
    expect(due('2025-03-15 10:00', 2)).toBe(vn('2025-03-19 17:00').toISOString());
    expect(due('2025-03-16 23:00', 0)).toBe(vn('2025-03-17 17:00').toISOString());
  });

  it('holiday receipt counts from the next working day', () => {
    expect(due('2025-04-07 09:00', 1)).toBe(vn('2025-04-09 17:00').toISOString()); // Hung Kings
    expect(due('2025-09-02 09:00', 1)).toBe(vn('2025-09-04 17:00').toISOString()); // National Day
    expect(due('2025-05-02 10:00', 3)).toBe(vn('2025-05-08 17:00').toISOString()); // swapped Friday
  });

  it('Tet 2025 (27–31 Jan) is skipped', () => {
    expect(due('2025-01-24 10:00', 5)).toBe(vn('2025-02-07 17:00').toISOString());
    expect(due('2025-01-24 10:00', 1)).toBe(vn('2025-02-03 17:00').toISOString());
    expect(due('2025-01-29 10:00', 2)).toBe(vn('2025-02-05 17:00').toISOString());
    expect(due('2025-01-24 17:01', 0)).toBe(vn('2025-02-03 17:00').toISOString());
  });

  it('2024 swap: Mon 29 Apr off, Sat 4 May worked', () => {
    expect(due('2024-04-26 10:00', 2)).toBe(vn('2024-05-03 17:00').toISOString());
    expect(due('2024-04-26 10:00', 3)).toBe(vn('2024-05-04 17:00').toISOString());
    expect(due('2024-04-26 10:00', 4)).toBe(vn('2024-05-06 17:00').toISOString());
  });

  it('agency office hours 07:30–16:30', () => {
    expect(due('2025-04-25 16:00', 3, { hours: AGENCY_HOURS })).toBe(vn('2025-04-29 16:30').toISOString());
    expect(due('2025-04-25 16:45', 3, { hours: AGENCY_HOURS })).toBe(vn('2025-05-05 16:30').toISOString());
    expect(due('2025-03-11 07:40', 0, { hours: AGENCY_HOURS })).toBe(vn('2025-03-11 16:30').toISOString());
    expect(due('2025-03-11 16:40', 0, { hours: AGENCY_HOURS })).toBe(vn('2025-03-12 16:30').toISOString());
  });

  it('rejects invalid processing times', () => {
    expect(() => due('2025-03-11 10:00', -1)).toThrow(RangeError);
    expect(() => due('2025-03-11 10:00', 2.5)).toThrow(RangeError);
    expect(() => due('2025-03-11 10:00', 3, { commitments: [{ kind: 'MAX_WORKING_DAYS', workingDays: -2 }] })).toThrow(RangeError);
  });
});

describe('computeDueAt: service commitments', () => {
  const FRIDAY = [FRIDAY_WITHOUT_WAITING];

  it('Friday without waiting: received before 15:30 → same day office end', () => {
    expect(due('2025-03-14 10:00', 5, { commitments: FRIDAY })).toBe(vn('2025-03-14 17:00').toISOString());
    expect(due('2025-03-14 15:29', 5, { commitments: FRIDAY })).toBe(vn('2025-03-14 17:00').toISOString());
    expect(due('2025-03-14 07:00', 5, { commitments: FRIDAY })).toBe(vn('2025-03-14 17:00').toISOString());
  });

  it('Friday without waiting: at/after 15:30 (even after hours) → 09:00 next working day', () => {
    expect(due('2025-03-14 15:30', 5, { commitments: FRIDAY })).toBe(vn('2025-03-17 09:00').toISOString());
    expect(due('2025-03-14 16:59', 5, { commitments: FRIDAY })).toBe(vn('2025-03-17 09:00').toISOString());
    expect(due('2025-03-14 17:30', 5, { commitments: FRIDAY })).toBe(vn('2025-03-17 09:00').toISOString());
    expect(due('2025-03-14 23:59', 5, { commitments: FRIDAY })).toBe(vn('2025-03-17 09:00').toISOString());
    // The next working day after Fri 25 Apr 2025 is the swap Saturday.
    expect(due('2025-04-25 15:45', 3, { commitments: FRIDAY })).toBe(vn('2025-04-26 09:00').toISOString());
    // Before Tet: the next working day is Mon 3 Feb.
    expect(due('2025-01-24 16:00', 5, { commitments: FRIDAY })).toBe(vn('2025-02-03 09:00').toISOString());
  });

  it('Friday without waiting: the legal time still wins when it is earlier', () => {
    expect(due('2025-03-14 15:45', 0, { commitments: FRIDAY })).toBe(vn('2025-03-14 17:00').toISOString());
  });

  it('Friday without waiting: a Friday that is a holiday is not covered', () => {
    expect(due('2025-05-02 10:00', 3, { commitments: FRIDAY })).toBe(vn('2025-05-08 17:00').toISOString());
    expect(due('2025-01-31 10:00', 2, { commitments: FRIDAY })).toBe(vn('2025-02-05 17:00').toISOString());
  });

  it('Friday without waiting: a Thursday-evening receipt counts as Friday morning', () => {
    expect(due('2025-03-13 20:00', 5, { commitments: FRIDAY })).toBe(vn('2025-03-14 17:00').toISOString());
  });

  it('Friday without waiting: other days are not affected', () => {
    expect(due('2025-03-13 10:00', 3, { commitments: FRIDAY })).toBe(vn('2025-03-18 17:00').toISOString());
    expect(due('2025-04-26 10:00', 3, { commitments: FRIDAY })).toBe(vn('2025-05-05 17:00').toISOString()); // swap Saturday
  });

  it('Friday without waiting: custom cut-off and next-day time, and agency hours', () => {
    const c: ServiceCommitment = { kind: 'FRIDAY_WITHOUT_WAITING', cutoff: '14:00', nextDayAt: '10:00' };
    expect(due('2025-03-14 13:59', 5, { commitments: [c] })).toBe(vn('2025-03-14 17:00').toISOString());
    expect(due('2025-03-14 14:00', 5, { commitments: [c] })).toBe(vn('2025-03-17 10:00').toISOString());
    expect(due('2025-03-14 10:00', 5, { commitments: FRIDAY, hours: AGENCY_HOURS })).toBe(vn('2025-03-14 16:30').toISOString());
  });

  it('MAX_WORKING_DAYS: a shorter commitment wins, a longer one does not', () => {
    expect(due('2025-03-10 10:00', 10, { commitments: [{ kind: 'MAX_WORKING_DAYS', workingDays: 3 }] })).toBe(vn('2025-03-13 17:00').toISOString());
    expect(due('2025-03-10 10:00', 3, { commitments: [{ kind: 'MAX_WORKING_DAYS', workingDays: 10 }] })).toBe(vn('2025-03-13 17:00').toISOString());
    // Counted like the legal time: after hours on the Friday before the 2025 holidays.
    expect(due('2025-04-25 17:30', 10, { commitments: [{ kind: 'MAX_WORKING_DAYS', workingDays: 3 }] })).toBe('2025-05-05T10:00:00.000Z');
  });

  it('several commitments: the earliest applies', () => {
    const commitments: ServiceCommitment[] = [{ kind: 'MAX_WORKING_DAYS', workingDays: 2 }, FRIDAY_WITHOUT_WAITING];
    expect(due('2025-03-14 10:00', 10, { commitments })).toBe(vn('2025-03-14 17:00').toISOString());
    expect(due('2025-03-14 16:00', 10, { commitments })).toBe(vn('2025-03-17 09:00').toISOString());
    expect(due('2025-03-12 16:00', 10, { commitments })).toBe(vn('2025-03-14 17:00').toISOString());
  });
});

describe('dueAtReceipt: the recorded commitments in force on the local date of receipt', () => {
  const recorded = (c: Partial<RecordedCommitment> & Pick<RecordedCommitment, 'kind'>): RecordedCommitment => ({
    workingDays: null,
    cutoff: null,
    nextDayAt: null,
    validFrom: null,
    validTo: null,
    ...c,
  });
  const receipt = (local: string, processingDays: number, commitments: RecordedCommitment[]) => {
    const r = dueAtReceipt({ calendar, receivedAt: vn(local), processingDays, commitments });
    return { dueAt: r.dueAt.toISOString(), processingDays: r.processingDays };
  };

  it('holds the dossier to the fewest working days in force, the legal time when fewer', () => {
    const commitments = [
      recorded({ kind: ServiceCommitmentKind.MAX_WORKING_DAYS, workingDays: 4 }),
      recorded({ kind: ServiceCommitmentKind.MAX_WORKING_DAYS, workingDays: 2 }),
    ];
    expect(receipt('2025-03-10 09:00', 10, commitments)).toEqual({ dueAt: vn('2025-03-12 17:00').toISOString(), processingDays: 2 });
    expect(receipt('2025-03-10 09:00', 1, commitments)).toEqual({ dueAt: vn('2025-03-11 17:00').toISOString(), processingDays: 1 });
    expect(receipt('2025-03-10 09:00', 10, [])).toEqual({ dueAt: due('2025-03-10 09:00', 10), processingDays: 10 });
  });

  it('applies a commitment from validFrom (included) to validTo (excluded), by the Vietnamese date of receipt', () => {
    const c = [recorded({ kind: ServiceCommitmentKind.MAX_WORKING_DAYS, workingDays: 2, validFrom: '2025-03-11', validTo: '2025-03-13' })];
    expect(receipt('2025-03-10 23:59', 10, c).processingDays).toBe(10);
    // 2025-03-10T17:30Z is 00:30 on the 11th in Viet Nam: in force.
    expect(dueAtReceipt({ calendar, receivedAt: new Date('2025-03-10T17:30:00Z'), processingDays: 10, commitments: c }).processingDays).toBe(2);
    expect(receipt('2025-03-12 16:00', 10, c)).toEqual({ dueAt: vn('2025-03-14 17:00').toISOString(), processingDays: 2 });
    expect(receipt('2025-03-13 09:00', 10, c).processingDays).toBe(10);
  });

  it('a Friday without waiting recorded without its times takes docs/SPEC.md §2 15:30 / 09:00; one with its own times keeps them', () => {
    expect(receipt('2025-03-14 15:45', 5, [recorded({ kind: ServiceCommitmentKind.FRIDAY_WITHOUT_WAITING })])).toEqual({
      dueAt: vn('2025-03-17 09:00').toISOString(),
      processingDays: 5,
    });
    const own = [recorded({ kind: ServiceCommitmentKind.FRIDAY_WITHOUT_WAITING, cutoff: '16:00', nextDayAt: '10:00' })];
    expect(receipt('2025-03-14 15:45', 5, own).dueAt).toBe(vn('2025-03-14 17:00').toISOString());
    expect(receipt('2025-03-14 16:15', 5, own).dueAt).toBe(vn('2025-03-17 10:00').toISOString());
  });

  it('a MAX_WORKING_DAYS without its days commits to nothing', () => {
    expect(receipt('2025-03-10 09:00', 3, [recorded({ kind: ServiceCommitmentKind.MAX_WORKING_DAYS })])).toEqual({
      dueAt: due('2025-03-10 09:00', 3),
      processingDays: 3,
    });
  });
});

describe('extendForClockStop', () => {
  it('moves the due time by the office time spent awaiting supplement, across a weekend', () => {
    // Received Mon 10 Mar 2025 09:00 with 4 days → due Fri 14 Mar 17:00.
    const base = computeDueAt({ calendar, receivedAt: vn('2025-03-10 09:00'), processingDays: 4 });
    expect(base.toISOString()).toBe(vn('2025-03-14 17:00').toISOString());
    // Supplement requested Thu 13 Mar 15:00, resumed Mon 17 Mar 10:00: 120 + 540 + 120 = 780.
    const paused = calendar.workingMinutesBetween(vn('2025-03-13 15:00'), vn('2025-03-17 10:00'));
    expect(paused).toBe(780);
    // 780 office minutes after Fri 17:00: all of Mon 17 (540) then 240 on Tue 18 → 12:00.
    expect(extendForClockStop(base, paused, calendar).toISOString()).toBe(vn('2025-03-18 12:00').toISOString());
  });

  it('skips holidays and keeps the due time when nothing was paused', () => {
    const base = vn('2025-04-29 17:00');
    expect(extendForClockStop(base, 600, calendar).toISOString()).toBe(vn('2025-05-06 09:00').toISOString());
    expect(extendForClockStop(base, 0, calendar).toISOString()).toBe(base.toISOString());
    expect(extendForClockStop(base, 540, calendar).toISOString()).toBe(vn('2025-05-05 17:00').toISOString());
  });

  it('uses the agency office hours', () => {
    const base = vn('2025-03-14 16:30');
    expect(extendForClockStop(base, 60, calendar, AGENCY_HOURS).toISOString()).toBe(vn('2025-03-17 08:30').toISOString());
  });
});

describe('computeDueAt: properties', () => {
  const commitmentsArb = fc.oneof(
    fc.constant<ServiceCommitment[]>([]),
    fc.constant<ServiceCommitment[]>([FRIDAY_WITHOUT_WAITING]),
    fc.integer({ min: 0, max: 60 }).map((d): ServiceCommitment[] => [{ kind: 'MAX_WORKING_DAYS', workingDays: d }]),
  );

  it('due is never before receipt, and never later than the legal due', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 0, max: 60 }), commitmentsArb, (receivedAt, processingDays, commitments) => {
        const dueAt = computeDueAt({ calendar, receivedAt, processingDays, commitments });
        const legal = computeDueAt({ calendar, receivedAt, processingDays });
        expect(dueAt.getTime()).toBeGreaterThanOrEqual(receivedAt.getTime());
        expect(dueAt.getTime()).toBeLessThanOrEqual(legal.getTime());
      }),
      PROPERTY_RUNS,
    );
  });

  it('legal due is office end of a working day, with exactly N working days after the receipt day', () => {
    fc.assert(
      fc.property(
        instantArb,
        fc.integer({ min: 0, max: 60 }),
        fc.oneof(fc.constant(DEFAULT_OFFICE_HOURS), officeHoursArb),
        (receivedAt, processingDays, hours) => {
          const dueAt = computeDueAt({ calendar, receivedAt, processingDays, hours });
          const [eh, em] = hours.end.split(':').map(Number);
          expect(localMinuteOfDay(dueAt)).toBe(eh * 60 + em);
          expect(calendar.isWorkingDay(localDateOf(dueAt))).toBe(true);
          const receiptDay = localDateOf(calendar.effectiveReceipt(receivedAt, hours));
          expect(localDateOf(dueAt)).toBe(calendar.addWorkingDays(receiptDay, processingDays));
          // One more day of processing time is due strictly later.
          const later = computeDueAt({ calendar, receivedAt, processingDays: processingDays + 1, hours });
          expect(later.getTime()).toBeGreaterThan(dueAt.getTime());
        },
      ),
      PROPERTY_RUNS,
    );
  });
});
