import { adminQuery } from '../../src/db/admin';
import { pastDueAt } from '../../src/db/dossier-conditions';
import { feedbackAnsweredInTimeSql, feedbackOverdueSql } from '../../src/db/feedback-conditions';
import { feedbackAnsweredInTime, isFeedbackOverdue } from '../../src/domain/feedback';
import { classifyTimeliness, Timeliness } from '../../src/domain/timeliness';
import { readTestEnv } from '../support/database';

/**
 * The rules that exist twice, in TypeScript (src/domain) for one object and in SQL (src/db/*-conditions.ts)
 * for the queries that filter and count by them, held to the same answers by real PostgreSQL
 * over the cases where they could part: the due instant itself, a millisecond either side,
 * an answer or a supplement request at the due time, instants on either side of a local midnight.
 */
const DUE = new Date('2025-03-14T10:00:00.000Z'); // Fri 14 Mar 2025 17:00 in Viet Nam
const ms = (offset: number) => new Date(DUE.getTime() + offset);
const OFFSETS = [-86_400_000, -25_200_001, -25_200_000, -1, 0, 1, 50_400_000, 86_400_000];
const MAYBE = [null, ...OFFSETS];

/** Evaluates `condition` (on the row aliased `d`) for each row; answers in row order. */
async function evaluate(columns: string, condition: string, rows: Record<string, Date | null>[]): Promise<boolean[]> {
  const result = await adminQuery(
    readTestEnv().adminUrl,
    `SELECT (${condition}) AS v FROM jsonb_to_recordset($1::jsonb) AS d(i int, ${columns}) ORDER BY d.i`,
    [JSON.stringify(rows.map((row, i) => ({ i, ...row })))],
  );
  return result.map((r) => r.v as boolean);
}

describe('the SQL conditions give the TypeScript rules’ answers', () => {
  it('feedback overdue: feedbackOverdueSql = isFeedbackOverdue', async () => {
    const cases = MAYBE.flatMap((answered) => OFFSETS.map((now) => ({ due_at: DUE, answered_at: answered === null ? null : ms(answered), now: ms(now) })));
    const sql = await evaluate('due_at timestamptz, answered_at timestamptz, now timestamptz', feedbackOverdueSql('d', 'd.now'), cases);
    expect(sql).toEqual(cases.map((c) => isFeedbackOverdue({ dueAt: c.due_at, answeredAt: c.answered_at }, c.now)));
    expect(sql).toContain(true);
    expect(sql).toContain(false);
  });

  it('feedback answered in time: feedbackAnsweredInTimeSql = (feedbackAnsweredInTime is true)', async () => {
    const cases = MAYBE.map((answered) => ({ due_at: DUE, answered_at: answered === null ? null : ms(answered) }));
    const sql = await evaluate('due_at timestamptz, answered_at timestamptz', feedbackAnsweredInTimeSql('d'), cases);
    expect(sql).toEqual(cases.map((c) => feedbackAnsweredInTime({ dueAt: c.due_at, answeredAt: c.answered_at }) === true));
    expect(sql).toContain(true);
    expect(sql).toContain(false);
  });

  it('an open dossier past due: pastDueAt = (classifyTimeliness is OVERDUE), its negation = PENDING', async () => {
    // supplement_requested_at is set only while the dossier waits, as waitingSince is.
    const cases = MAYBE.flatMap((requested) =>
      OFFSETS.map((now) => ({ due_at: DUE, supplement_requested_at: requested === null ? null : ms(requested), now: ms(now) })),
    );
    const sql = await evaluate('due_at timestamptz, supplement_requested_at timestamptz, now timestamptz', pastDueAt('d.now'), cases);
    const ts = cases.map((c) => classifyTimeliness({ dueAt: c.due_at, completedAt: null, now: c.now, waitingSince: c.supplement_requested_at }));
    expect(ts.every((t) => t === Timeliness.OVERDUE || t === Timeliness.PENDING)).toBe(true);
    expect(sql).toEqual(ts.map((t) => t === Timeliness.OVERDUE));
    expect(sql).toContain(true);
    expect(sql).toContain(false);
  });
});
