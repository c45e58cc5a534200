import fc from 'fast-check';
import { computeDueAt } from '../../src/domain/deadlines';
import { DossierEventKind } from '../../src/domain/enums';
import { DossierStatus } from '../../src/domain/lifecycle';
import { replayDossier, SyncedEvent } from '../../src/domain/sync-replay';
import { Timeliness } from '../../src/domain/timeliness';
import { loadOfficialCalendar, PROPERTY_RUNS, vn } from './helpers';

const calendar = loadOfficialCalendar();

function receipt(at: string, processingDays = 3): SyncedEvent {
  const occurredAt = vn(at);
  return {
    eventId: 'r',
    kind: DossierEventKind.RECEIVED,
    occurredAt,
    receipt: {
      agencyId: 1,
      agencyPath: '/A/',
      procedureId: 1,
      processingDays,
      dueAt: computeDueAt({ calendar, receivedAt: occurredAt, processingDays }),
      hours: undefined,
    },
  };
}
const step = (eventId: string, kind: DossierEventKind, at: string, extra: Partial<SyncedEvent> = {}): SyncedEvent => ({
  eventId,
  kind,
  occurredAt: vn(at),
  ...extra,
});

describe('replayDossier', () => {
  const history = [
    receipt('2025-04-25 16:00'),
    step('s', DossierEventKind.PROCESSING_STARTED, '2025-04-28 08:00'),
    step('q', DossierEventKind.SUPPLEMENT_REQUESTED, '2025-04-28 09:00', { reason: 'Thiếu giấy tờ' }),
    step('m', DossierEventKind.RESUMED, '2025-05-06 09:00'),
    step('c', DossierEventKind.COMPLETED, '2025-05-06 10:00', { electronicResult: true }),
    step('x', DossierEventKind.RESULT_RETURNED, '2025-05-07 10:00'),
  ];

  it('rebuilds state from the history: clock stop moves the due time, completion is classified against it', () => {
    const result = replayDossier(history, calendar);
    if (!result.received) throw new Error('expected a receipt');
    expect(result.state.status).toBe(DossierStatus.RESULT_RETURNED);
    expect(result.state.dueAt.getTime()).toBeGreaterThan(vn('2025-05-06 10:00').getTime());
    expect(result.state.completionTimeliness).toBe(Timeliness.EARLY);
    expect(result.applied.map((e) => e.eventId)).toEqual(['r', 's', 'q', 'm', 'c', 'x']);
    expect({ held: result.held, complete: result.historyComplete, synced: result.synced }).toEqual({ held: [], complete: true, synced: true });
  });

  it('holds everything until the receipt, and what the lifecycle refuses where it falls', () => {
    const noReceipt = replayDossier(history.slice(1), calendar);
    expect(noReceipt.received).toBe(false);
    expect(noReceipt.held.map((h) => h.eventId).sort()).toEqual(['c', 'm', 'q', 's', 'x']);

    // Completed without being started: held, and the dossier is not in sync.
    const gap = replayDossier([history[0], history[4]], calendar);
    if (!gap.received) throw new Error('expected a receipt');
    expect(gap.state.status).toBe(DossierStatus.RECEIVED);
    expect(gap.held).toEqual([{ eventId: 'c', reason: expect.stringContaining('COMPLETE') }]);
    expect(gap.synced).toBe(false);

    // An event before the receipt, and a second receipt, are held with their reasons.
    const odd = replayDossier(
      [history[0], step('early', DossierEventKind.PROCESSING_STARTED, '2025-04-20 08:00'), { ...receipt('2025-04-26 09:00'), eventId: 'r2' }],
      calendar,
    );
    expect(odd.held.map((h) => h.eventId).sort()).toEqual(['early', 'r2']);
  });

  it('depends only on the set of events, never on the order they arrived in', () => {
    const reference = replayDossier(history, calendar);
    fc.assert(
      fc.property(fc.shuffledSubarray(history, { minLength: history.length, maxLength: history.length }), (arrived) => {
        expect(replayDossier(arrived, calendar)).toEqual(reference);
      }),
      PROPERTY_RUNS,
    );
  });
});
