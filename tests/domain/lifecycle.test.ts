import {
  allowedActions,
  canApply,
  DossierAction as A,
  DossierStatus as S,
  InvalidTransitionError,
  isHistoryComplete,
  isOpen,
  nextStatus,
  OPEN_STATUSES,
  requiredHistory,
} from '../../src/domain/lifecycle';

/** The docs/SPEC.md §2 lifecycle, written out independently of the implementation's table. */
const EXPECTED: ReadonlyArray<[S, A, S]> = [
  [S.RECEIVED, A.START_PROCESSING, S.PROCESSING],
  [S.PROCESSING, A.REQUEST_SUPPLEMENT, S.AWAITING_SUPPLEMENT],
  [S.AWAITING_SUPPLEMENT, A.RESUME, S.PROCESSING],
  [S.PROCESSING, A.COMPLETE, S.COMPLETED],
  [S.COMPLETED, A.RETURN_RESULT, S.RESULT_RETURNED],
  ...[S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT].flatMap((from): Array<[S, A, S]> => [
    [from, A.WITHDRAW, S.WITHDRAWN],
    [from, A.REJECT, S.REJECTED],
    [from, A.TRANSFER, S.TRANSFERRED],
  ]),
];

const ALL_STATUSES = Object.values(S);
const ALL_ACTIONS = Object.values(A);
const expectedTarget = (from: S, action: A) => EXPECTED.find(([f, a]) => f === from && a === action)?.[2];

describe('enums', () => {
  it('are string enums whose values equal their names', () => {
    expect(ALL_STATUSES).toEqual(['RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT', 'COMPLETED', 'RESULT_RETURNED', 'WITHDRAWN', 'REJECTED', 'TRANSFERRED']);
    expect(ALL_ACTIONS).toEqual(['START_PROCESSING', 'REQUEST_SUPPLEMENT', 'RESUME', 'COMPLETE', 'RETURN_RESULT', 'WITHDRAW', 'REJECT', 'TRANSFER']);
    for (const [k, v] of Object.entries(S)) expect(v).toBe(k);
    for (const [k, v] of Object.entries(A)) expect(v).toBe(k);
  });
});

describe('transitions: exhaustive over every status × action', () => {
  const product = ALL_STATUSES.flatMap((from) => ALL_ACTIONS.map((action): [S, A] => [from, action]));
  const valid = product.filter(([f, a]) => expectedTarget(f, a) !== undefined);
  const invalid = product.filter(([f, a]) => expectedTarget(f, a) === undefined);

  it('has 14 valid and 50 invalid pairs', () => {
    expect(valid).toHaveLength(14);
    expect(invalid).toHaveLength(64 - 14);
  });

  it.each(valid)('%s -%s→ allowed', (from, action) => {
    expect(canApply(from, action)).toBe(true);
    expect(nextStatus(from, action)).toBe(expectedTarget(from, action));
    expect(allowedActions(from)).toContain(action);
  });

  it.each(invalid)('%s -%s→ INVALID_TRANSITION', (from, action) => {
    expect(canApply(from, action)).toBe(false);
    expect(allowedActions(from)).not.toContain(action);
    let caught: unknown;
    try {
      nextStatus(from, action);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidTransitionError);
    expect(caught).toBeInstanceOf(Error);
    const err = caught as InvalidTransitionError;
    expect(err.from).toBe(from);
    expect(err.action).toBe(action);
    expect(err.code).toBe('INVALID_TRANSITION');
    expect(err.name).toBe('InvalidTransitionError');
    expect(err.message).toContain(from);
    expect(err.message).toContain(action);
  });

  it('a few invalid transitions called out explicitly', () => {
    expect(() => nextStatus(S.RECEIVED, A.COMPLETE)).toThrow(InvalidTransitionError);
    expect(() => nextStatus(S.AWAITING_SUPPLEMENT, A.COMPLETE)).toThrow(InvalidTransitionError);
    expect(() => nextStatus(S.PROCESSING, A.RESUME)).toThrow(InvalidTransitionError);
    expect(() => nextStatus(S.COMPLETED, A.WITHDRAW)).toThrow(InvalidTransitionError);
    expect(() => nextStatus(S.RESULT_RETURNED, A.RETURN_RESULT)).toThrow(InvalidTransitionError);
    expect(() => nextStatus(S.TRANSFERRED, A.START_PROCESSING)).toThrow(InvalidTransitionError);
    expect(() => nextStatus(S.REJECTED, A.REJECT)).toThrow(InvalidTransitionError);
  });

  it('rejects values outside the enums without touching the prototype', () => {
    expect(canApply('__proto__' as S, A.WITHDRAW)).toBe(false);
    expect(canApply(S.RECEIVED, 'toString' as A)).toBe(false);
    expect(() => nextStatus('NOPE' as S, A.WITHDRAW)).toThrow(InvalidTransitionError);
    expect(allowedActions('constructor' as S)).toEqual([]);
  });
});

describe('open states and allowed actions', () => {
  it('OPEN_STATUSES are RECEIVED, PROCESSING and AWAITING_SUPPLEMENT', () => {
    expect([...OPEN_STATUSES]).toEqual([S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT]);
    for (const s of ALL_STATUSES) expect(isOpen(s)).toBe(OPEN_STATUSES.includes(s));
  });

  it('open states can be withdrawn, rejected or transferred; closed ones cannot', () => {
    for (const s of ALL_STATUSES) {
      for (const exit of [A.WITHDRAW, A.REJECT, A.TRANSFER]) expect(canApply(s, exit)).toBe(isOpen(s));
    }
  });

  it('allowedActions lists exactly the valid actions, in enum order', () => {
    expect(allowedActions(S.RECEIVED)).toEqual([A.START_PROCESSING, A.WITHDRAW, A.REJECT, A.TRANSFER]);
    expect(allowedActions(S.PROCESSING)).toEqual([A.REQUEST_SUPPLEMENT, A.COMPLETE, A.WITHDRAW, A.REJECT, A.TRANSFER]);
    expect(allowedActions(S.AWAITING_SUPPLEMENT)).toEqual([A.RESUME, A.WITHDRAW, A.REJECT, A.TRANSFER]);
    expect(allowedActions(S.COMPLETED)).toEqual([A.RETURN_RESULT]);
    for (const s of [S.RESULT_RETURNED, S.WITHDRAWN, S.REJECTED, S.TRANSFERRED]) expect(allowedActions(s)).toEqual([]);
  });

  it('walks the happy path with two supplement rounds', () => {
    const actions = [A.START_PROCESSING, A.REQUEST_SUPPLEMENT, A.RESUME, A.REQUEST_SUPPLEMENT, A.RESUME, A.COMPLETE, A.RETURN_RESULT];
    const end = actions.reduce((s, a) => nextStatus(s, a), S.RECEIVED);
    expect(end).toBe(S.RESULT_RETURNED);
  });

  it('terminal states are not open and allow nothing', () => {
    for (const s of ALL_STATUSES) {
      if (s === S.COMPLETED || isOpen(s)) continue;
      expect(allowedActions(s)).toEqual([]);
    }
    // COMPLETED is closed (no longer counted against the due time) yet still returns a result.
    expect(isOpen(S.COMPLETED)).toBe(false);
  });
});

describe('history completeness (docs/INDEX_METHOD.md electronicTracking)', () => {
  it('needs receipt, every step and the result for the status', () => {
    expect(isHistoryComplete(S.RECEIVED, ['RECEIVED'])).toBe(true);
    expect(isHistoryComplete(S.RESULT_RETURNED, ['RECEIVED', 'PROCESSING_STARTED', 'COMPLETED', 'RESULT_RETURNED'])).toBe(true);
    expect(isHistoryComplete(S.RESULT_RETURNED, ['RECEIVED', 'COMPLETED', 'RESULT_RETURNED'])).toBe(false);
    expect(isHistoryComplete(S.COMPLETED, ['PROCESSING_STARTED', 'COMPLETED'])).toBe(false);
    expect(isHistoryComplete(S.REJECTED, ['RECEIVED', 'PROCESSING_STARTED', 'REJECTED'])).toBe(true);
  });

  it('every status requires its receipt', () => {
    for (const status of Object.values(S)) expect(requiredHistory(status)[0]).toBe('RECEIVED');
  });
});
