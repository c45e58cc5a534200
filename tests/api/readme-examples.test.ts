import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { signToken } from '../../src/auth/tokens';
import { Role } from '../../src/domain/enums';
import { foldVietnamese } from '../../src/domain/text';
import { createTestDatabase } from '../support/database';
import { freePort } from '../support/ports';

/**
 * Every GraphQL example of README.md and docs/ against a real first start: the compiled API
 * (`dist/src/main.js`, built by the global setup) on an empty database loads the demo data as
 * `npm start` does, its "now" the real current time, and prints its banner. Each example then
 * runs over HTTP with the token its comment names (`npm run token -- --role R --agency A`, "the
 * token the start prints", or none) and is checked for what its comment promises: one check per
 * example below, keyed by its comment, and an example without a check fails the test.
 */

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');
const SECRET = 'readme-test-secret-at-least-16';
const DOCS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Example {
  file: string;
  /** The comment lines before the operation: what it promises and with which token. */
  comment: string;
  text: string;
}

interface Started {
  child: ChildProcess;
  url: string;
  output: string;
  exited: Promise<number | null>;
}

interface Response {
  status: number;
  data?: Record<string, any>;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

function examples(): Example[] {
  const out: Example[] = [];
  for (const file of DOCS) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const [, block] of text.matchAll(/^```graphql\n([\s\S]*?)^```/gm)) {
      const comment = block
        .split('\n')
        .filter((line) => line.startsWith('#'))
        .map((line) => line.replace(/^#\s?/, ''))
        .join(' ');
      out.push({ file, comment, text: block });
    }
  }
  return out;
}

async function startApi(databaseUrl: string): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), NODE_ENV: 'development', JWT_SECRET: SECRET, REDIS_URL: '', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started: Started = { child, url: `http://localhost:${port}/graphql`, output: '', exited };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`API did not start: ${started.output}`));
    }, 240_000);
    child.stdout!.on('data', (chunk) => {
      started.output += String(chunk);
      // The banner is one write: complete once its first line is in.
      if (started.output.includes('Service Index API ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk) => (started.output += String(chunk)));
    child.on('exit', (code) => reject(new Error(`API exited (${code}) before it was ready: ${started.output}`)));
  });
  return started;
}

async function stopApi(api: Started): Promise<void> {
  api.child.kill('SIGTERM');
  expect(await api.exited).toBe(0);
}

/** What a start printed: the pages, the dev token and the demo dossier to follow. */
function banner(output: string) {
  const text = output.slice(output.indexOf('Service Index API ready'));
  const token = /ADMIN token[^\n]*\n\s+(\S+)/.exec(text)?.[1] ?? null;
  const demo = /trackDossier\(code: "([^"]+)", secret: "([^"]+)"\)/.exec(text);
  return {
    text,
    token,
    demo: demo ? { code: demo[1], secret: demo[2] } : null,
    pages: ['/graphiql', '/rankings', '/dashboard'].filter((page) => new RegExp(`https?://\\S+${page}\\b`).test(text)),
  };
}

async function post(url: string, query: string, token: string | null): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

const ascending = (values: string[]) => values.every((v, i) => i === 0 || values[i - 1] <= v);

/**
 * What each example's comment promises, keyed by a phrase of its comment. `run` sends the
 * example again (for promises about a repeat).
 */
type Check = (r: Response, context: { example: Example; run: () => Promise<Response>; demo: { code: string; secret: string } }) => Promise<void> | void;
const CHECKS: Record<string, Check> = {
  'the provinces that existed in September 2024, accent-insensitive search': (r) => {
    const { totalCount, nodes } = r.data!.agencies;
    expect(totalCount).toBeGreaterThan(0);
    for (const a of nodes) {
      expect(foldVietnamese(a.name).toLowerCase()).toContain('ha');
      expect(a.validTo === null || a.validTo > '2024-09-30').toBe(true);
    }
    // Provinces merged on 1 July 2025 were there in September 2024, with their successor.
    expect(nodes.some((a: { successor: unknown }) => a.successor !== null)).toBe(true);
  },
  'its overdue dossiers, soonest due first': (r) => {
    const { totalCount, edges } = r.data!.dossiers;
    expect(totalCount).toBeGreaterThan(0);
    const nodes = edges.map((e: { node: unknown }) => e.node);
    expect(nodes.filter((d: { timeliness: string }) => d.timeliness !== 'OVERDUE')).toEqual([]);
    expect(ascending(nodes.map((d: { dueAt: string }) => new Date(d.dueAt).toISOString()))).toBe(true);
    for (const d of nodes) {
      expect(d.applicant.name).toBeTruthy(); // an officer sees the applicant
      expect(d.history[0].kind).toBe('RECEIVED');
    }
  },
  'receives a new dossier': (r, { example }) => {
    const dueAt = /# dueAt: "([^"]+)"/.exec(example.text)![1];
    const code = /code: "([^"]+)"/.exec(example.text)![1];
    expect(r.data!.receiveDossier).toEqual({ code, dueAt, lookupSecret: expect.any(String) });
  },
  'the demo dossier every start prints': (r, { example, demo }) => {
    // The README names the dossier and secret the start prints.
    expect(example.text).toContain(`trackDossier(code: "${demo.code}", secret: "${demo.secret}")`);
    const track = r.data!.trackDossier;
    expect(track).not.toBeNull();
    expect(['RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT']).toContain(track.status);
    expect(track.history[0].kind).toBe('RECEIVED');
    expect(track.dueAt).toMatch(/\+07:00$/);
  },
  'the 34 provinces ranked for November 2026': (r) => {
    const { rankings, scorecard } = r.data!;
    expect(rankings).toHaveLength(34);
    expect(rankings[0].rank).toBe(1);
    for (const row of rankings) expect([row.agency.code, typeof row.total, row.rankOutOf]).toEqual([row.agency.code, 'number', 34]);
    expect(typeof scorecard.total).toBe('number');
    const criteria = scorecard.groups.flatMap((g: { criteria: unknown[] }) => g.criteria);
    expect(criteria.length).toBeGreaterThan(0);
    expect(criteria.some((c: { denominator: number | null }) => (c.denominator ?? 0) > 0)).toBe(true);
  },
  'calendar edits and recomputes, newest first': (r) => {
    const { nodes } = r.data!.auditLog;
    expect(nodes.filter((n: { action: string }) => !['CALENDAR_DAY_SET', 'INDEX_RECOMPUTED'].includes(n.action))).toEqual([]);
    expect(ascending(nodes.map((n: { at: string }) => new Date(n.at).toISOString()).reverse())).toBe(true);
  },
  "one dossier's events, out of order": async (r, { run }) => {
    expect(r.data!.importDossierEvents).toEqual({ accepted: 3, duplicates: 0, rejected: 0, held: 0, dossiersReplayed: 1, errors: [] });
    const again = await run();
    expect(again.errors).toBeUndefined();
    expect(again.data!.importDossierEvents).toMatchObject({ accepted: 0, duplicates: 3, rejected: 0, held: 0 });
  },
  'Hà Nội to 5th among the provinces in December 2025': (r) => {
    const plan = r.data!.scorePlan;
    expect(plan.rankOutOf).toBe(34);
    expect(plan.statement).toBeTruthy();
    if (plan.rank <= 5) return expect(plan).toMatchObject({ reachable: true, steps: [] });
    expect(plan.reachable).toBe(true);
    expect(plan.projectedRank).toBeLessThanOrEqual(5);
    expect(plan.projectedTotal).toBeGreaterThanOrEqual(plan.targetTotal);
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(plan.steps[plan.steps.length - 1].projectedTotal).toBe(plan.projectedTotal);
  },
  'the forecast for the running month': (r) => {
    const { hanoi, justice } = r.data!;
    const month = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7);
    for (const f of [hanoi, justice]) {
      expect(f.period).toBe(month);
      if (f.total === null) continue;
      expect(f.bestTotal).toBeGreaterThanOrEqual(f.total);
      expect(f.total).toBeGreaterThanOrEqual(f.worstTotal);
      expect(f.bestRank).toBeLessThanOrEqual(f.worstRank);
    }
    // The province's open dossiers include its department's.
    expect(hanoi.openFallingDue).toBeGreaterThanOrEqual(justice.openFallingDue);
  },
  "what each criterion of Hà Nội's December 2025 scorecard falls short by": (r) => {
    const criteria = r.data!.scorecard.groups.flatMap((g: { criteria: unknown[] }) => g.criteria) as {
      key: string;
      numerator: number;
      denominator: number;
      shortfall: number;
      drillDown: boolean;
    }[];
    for (const c of criteria) expect(c.shortfall).toBe(c.denominator - c.numerator);
    expect(
      criteria
        .filter((c) => !c.drillDown)
        .map((c) => c.key)
        .sort(),
    ).toEqual(['feedbackAnswered', 'fullOnlineProcedures', 'onlinePaymentProcedures', 'publishedOnTime']);
    expect(criteria.find((c) => c.key === 'onTime')!.shortfall).toBeGreaterThan(0);
  },
  'that cost onTime its points in December 2025': (r) => {
    const onTime = r.data!.scorecard.groups.flatMap((g: { criteria: unknown[] }) => g.criteria).find((c: { key: string }) => c.key === 'onTime');
    const list = r.data!.criterionDossiers;
    expect(list.totalCount).toBe(onTime.shortfall);
    expect(list.totalCount).toBeGreaterThan(0);
    expect(list.nodes.length).toBe(Math.min(5, list.totalCount));
    for (const d of list.nodes) {
      expect(d.agency.code === 'HNI' || d.agency.code.startsWith('HNI-')).toBe(true);
      expect(d.applicant.name).toBeTruthy(); // the leader's subtree covers them
    }
  },
  "without an apology by the month's end": (r) => {
    const { nodes } = r.data!.criterionDossiers;
    for (const d of nodes) {
      expect(d.agency.code).toBe('HNI-STP');
      expect(d.apologyIssuedAt === null || new Date(d.apologyIssuedAt) >= new Date('2026-01-01T00:00:00+07:00')).toBe(true);
    }
    expect(ascending(nodes.map((d: { dueAt: string }) => new Date(d.dueAt).toISOString()))).toBe(true);
  },
  "where Hà Nội's points went in November 2026": (r) => {
    const { pointsLost, criterionDossiers, scorePlan } = r.data!;
    expect(pointsLost.lostPoints).toBe(Math.round((100 - pointsLost.total) * 100) / 100);
    const lost = pointsLost.units.nodes.map((u: { lostPoints: number }) => u.lostPoints);
    expect(lost).toEqual([...lost].sort((a, b) => b - a));
    expect(pointsLost.units.totalCount).toBeGreaterThan(lost.length);
    expect(criterionDossiers.totalCount).toBeGreaterThan(0);
    for (const d of criterionDossiers.nodes) {
      expect(['LATE', 'OVERDUE', null]).toContain(d.timeliness); // null: withdrawn or transferred since
      expect(d.agency.code === 'HNI' || d.agency.code.startsWith('HNI-')).toBe(true);
    }
    expect(scorePlan.statement).toBeTruthy();
    if (scorePlan.rank <= 10) return expect(scorePlan).toMatchObject({ reachable: true, steps: [] });
    expect(scorePlan).toMatchObject({ reachable: true });
    expect(scorePlan.projectedRank).toBeLessThanOrEqual(10);
    expect(scorePlan.steps[scorePlan.steps.length - 1]).toMatchObject({ projectedTotal: scorePlan.projectedTotal, projectedRank: scorePlan.projectedRank });
  },
  "why Hà Nội's total moved in November 2026": (r) => {
    const { scoreChange, delayList } = r.data!;
    expect(scoreChange.previousPeriod).toBe('2026-10');
    const cents = Math.round(scoreChange.criteria.reduce((sum: number, c: { change: number }) => sum + c.change * 100, 0));
    expect(cents).toBe(Math.round(scoreChange.scoreDelta * 100));
    const totals = delayList.nodes.map((x: { total: number }) => x.total);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    for (const x of delayList.nodes) expect(x.total).toBe(x.lateDossiers + x.overdueDossiers);
  },
  'what to fix for April 2025': (r) => {
    const { dossiersWithGaps, heldEvents } = r.data!.syncReport;
    expect(dossiersWithGaps.nodes.map((d: { code: string }) => d.code)).not.toContain('G22.HNI-STP.VD-000777');
    expect(
      heldEvents.nodes.filter((e: { dossierCode: string; heldReason: string | null }) => e.dossierCode === 'G22.HNI-STP.VD-000777' || !e.heldReason),
    ).toEqual([]);
  },
  "Hà Nội's points lost in December 2025, by unit": (r) => {
    const { total, lostPoints, criteria, own, units } = r.data!.pointsLost;
    const cents = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x * 100, 0));
    expect(lostPoints).toBe(Math.round((100 - total) * 100) / 100);
    expect(cents(criteria.map((c: { lostPoints: number }) => c.lostPoints))).toBe(Math.round(lostPoints * 100));
    expect(units.totalCount).toBeGreaterThan(units.nodes.length);
    const shown = units.nodes.map((u: { lostPoints: number }) => u.lostPoints);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    expect(cents([...shown, own.lostPoints])).toBeLessThanOrEqual(Math.round(lostPoints * 100));
  },
  "Why Hà Nội's total changed in December 2025": (r) => {
    const { scorecard, scoreChange } = r.data!;
    expect(scoreChange.scoreDelta).toBe(scorecard.scoreDelta);
    expect(scoreChange.previousPeriod).toBe('2025-11');
    const cents = Math.round(scoreChange.criteria.reduce((s: number, c: { change: number }) => s + c.change * 100, 0));
    expect(cents).toBe(Math.round(scorecard.scoreDelta * 100));
  },
  "Directive 15's list for Hà Nội, December 2025": (r) => {
    const { scorecard, delayList } = r.data!;
    const rows = delayList.nodes as { lateDossiers: number; overdueDossiers: number; apologised: number; total: number }[];
    expect(rows).toHaveLength(delayList.totalCount);
    expect(rows.map((x) => x.total)).toEqual([...rows.map((x) => x.total)].sort((a, b) => b - a));
    const apologised = scorecard.groups.flatMap((g: { criteria: unknown[] }) => g.criteria).find((c: { key: string }) => c.key === 'apologised');
    expect(rows.reduce((s, x) => s + x.total, 0)).toBe(apologised.denominator);
    expect(rows.reduce((s, x) => s + x.apologised, 0)).toBe(apologised.numerator);
  },
};

let database: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

it('runs every GraphQL example of the README and docs/ on a freshly seeded server, as its comment says, with the token it names', async () => {
  const api = await startApi(database.url);
  try {
    const first = banner(api.output);
    expect(api.output).toContain('loading demo data');
    expect(first.pages).toEqual(['/graphiql', '/rankings', '/dashboard']);
    expect(first.token).toMatch(/^eyJ/);
    expect(first.demo).not.toBeNull();

    const all = examples();
    const keys = Object.keys(CHECKS);
    const unchecked = all.filter((e) => keys.filter((k) => e.comment.includes(k)).length !== 1).map((e) => `${e.file}: ${e.comment || e.text}`);
    expect(unchecked).toEqual([]);
    expect(all.map((e) => keys.find((k) => e.comment.includes(k)))).toEqual(expect.arrayContaining(keys));

    for (const example of all) {
      const named = /npm run token -- --role (\w+) --agency ([\w-]+)/.exec(example.comment);
      const token = named
        ? signToken({ sub: `readme-${named[1].toLowerCase()}`, role: named[1] as Role, agencyCode: named[2] }, SECRET, '1h')
        : example.comment.includes('the token the start prints')
          ? first.token
          : null;
      const run = () => post(api.url, example.text, token);
      const response = await run();
      const label = `${example.file}: ${example.comment}`;
      expect({ label, status: response.status, errors: response.errors }).toEqual({ label, status: 200, errors: undefined });
      await CHECKS[keys.find((k) => example.comment.includes(k))!](response, { example, run, demo: first.demo! });
    }
  } finally {
    await stopApi(api);
  }

  // Every start, not only the first, prints the pages and the demo dossier to follow (the
  // dossiers received above, with secrets of their own, do not hide it).
  const again = await startApi(database.url);
  try {
    const second = banner(again.output);
    expect(again.output).not.toContain('loading demo data');
    expect(second.pages).toEqual(['/graphiql', '/rankings', '/dashboard']);
    expect(second.demo).toEqual(banner(api.output).demo);
  } finally {
    await stopApi(again);
  }
}, 600_000);
