import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { seedFixtures } from '../support/fixtures';

/**
 * `npm run import` end to end: the compiled CLI in a child process against real PostgreSQL
 * databases, on a generated file of ~20,000 events with malformed and invalid lines, CRLF line
 * ends and multi-byte text (so a byte offset that is off by one shows up on resume).
 */

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/cli/import.js');
const BATCH = 500;

interface Database {
  url: string;
  dataSource: DataSource;
  drop: () => Promise<void>;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// --- the file --------------------------------------------------------------------------------

/** mulberry32: the same file on every run, so a failure can be reproduced. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const VN = 7 * HOUR;

/** Vietnam wall-clock time of an instant, written with its offset as agency systems send it. */
function vn(ms: number): string {
  return `${new Date(ms + VN).toISOString().slice(0, 19)}+07:00`;
}

/** The instant of a Vietnam wall-clock time `days` weekdays after `dayStart` (a Vietnam midnight). */
function weekdayAt(dayStart: number, days: number, hour: number, minute: number): number {
  let day = dayStart;
  for (let left = days; left > 0 || [0, 6].includes(new Date(day + VN).getUTCDay());) {
    day += DAY;
    if (![0, 6].includes(new Date(day + VN).getUTCDay())) left--;
  }
  return day + hour * HOUR + minute * 60_000;
}

interface GeneratedFile {
  text: string;
  validEvents: number;
  dossiers: number;
  byStatus: Record<string, number>;
  /** Line numbers (1-based) of the lines the import must refuse, with the code it gives. */
  refused: { line: number; code: string }[];
}

function generateFile(dossierCount: number): GeneratedFile {
  const rnd = random(766);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const agencies = ['TPA', 'TPA-STP', 'TPA-X01', 'TPB', 'TPB-STP'] as const;
  const procedures = ['1.001193', '1.000894', '2.001610', '1.004227'] as const;
  const names = ['Nguyễn Văn An', 'Trần Thị Bích', 'Lê Hoàng Cường', 'Phạm Thị Dung', 'Hoàng Đức Em', 'Võ Thị Giang'];
  const jan2 = Date.UTC(2025, 0, 2) - VN;
  const events: { at: number; json: string }[] = [];
  const byStatus: Record<string, number> = {};
  for (let i = 1; i <= dossierCount; i++) {
    const code = `IMP-${String(i).padStart(6, '0')}`;
    const day = jan2 + Math.floor(rnd() * 320) * DAY;
    const received = weekdayAt(day, 0, 8 + Math.floor(rnd() * 7), Math.floor(rnd() * 60));
    const push = (kind: string, at: number, extra: Record<string, unknown> = {}) =>
      events.push({ at, json: JSON.stringify({ eventId: `${code}:${kind}`, dossierCode: code, kind, occurredAt: vn(at), ...extra }) });
    push('RECEIVED', received, {
      procedureCode: pick(procedures),
      agencyCode: pick(agencies),
      channel: 'ONLINE',
      applicant: { kind: 'CITIZEN', name: pick(names), idNumber: String(1e11 + Math.floor(rnd() * 9e11)) },
    });
    let at = received + HOUR;
    push('PROCESSING_STARTED', at);
    let stepDay = at - ((at + VN) % DAY);
    if (i % 2 === 0) {
      at = weekdayAt(stepDay, 1, 9, Math.floor(rnd() * 60));
      push('SUPPLEMENT_REQUESTED', at, { reason: 'Thiếu bản sao giấy tờ tùy thân' });
      stepDay = at - ((at + VN) % DAY);
      at = weekdayAt(stepDay, 1 + Math.floor(rnd() * 3), 10, Math.floor(rnd() * 60));
      push('RESUMED', at);
      stepDay = at - ((at + VN) % DAY);
    }
    at = Math.max(at + 30 * 60_000, weekdayAt(stepDay, Math.floor(rnd() * 6), 14, Math.floor(rnd() * 60)));
    push('COMPLETED', at, { electronicResult: rnd() < 0.7 });
    if (i % 10 === 9) {
      byStatus.COMPLETED = (byStatus.COMPLETED ?? 0) + 1;
    } else {
      push('RESULT_RETURNED', at + 20 * 60_000);
      byStatus.RESULT_RETURNED = (byStatus.RESULT_RETURNED ?? 0) + 1;
    }
  }
  // As an agency system's feed would send them: in time order, dossiers interleaved.
  events.sort((a, b) => a.at - b.at);

  const lines = events.map((e) => e.json);
  const bad: { at: number; line: string; code: string }[] = [
    { at: 40, line: '{"eventId": "IMP-BROKEN-1", "dossierCode": "IMP-BROKEN-1", "kind": "RECEI', code: 'BAD_USER_INPUT' },
    { at: 3_000, line: 'không phải JSON — not JSON at all', code: 'BAD_USER_INPUT' },
    { at: 6_001, line: '[1, 2, 3]', code: 'BAD_USER_INPUT' },
    {
      at: 9_500,
      line: JSON.stringify({
        eventId: 'IMP-BAD-1:RECEIVED',
        dossierCode: 'IMP-BAD-1',
        kind: 'RECEIVED',
        occurredAt: '2025-05-05T09:00:00+07:00',
        procedureCode: '9.999999',
        agencyCode: 'TPA-STP',
        channel: 'ONLINE',
        applicant: { kind: 'CITIZEN', name: 'Đỗ Văn Hải', idNumber: '001090012345' },
      }),
      code: 'NOT_FOUND',
    },
    {
      at: 12_000,
      line: JSON.stringify({
        eventId: 'IMP-BAD-2:RECEIVED',
        dossierCode: 'IMP-BAD-2',
        kind: 'RECEIVED',
        occurredAt: '2025-05-05T09:00:00+07:00',
        procedureCode: '1.001193',
        agencyCode: 'NOWHERE',
        channel: 'ONLINE',
        applicant: { kind: 'CITIZEN', name: 'Đỗ Văn Hải', idNumber: '001090012345' },
      }),
      code: 'NOT_FOUND',
    },
    {
      at: 14_000,
      line: JSON.stringify({ eventId: 'IMP-BAD-3:X', dossierCode: 'IMP-BAD-3', kind: 'EXPLODED', occurredAt: '2025-05-05T09:00:00+07:00' }),
      code: 'BAD_USER_INPUT',
    },
    {
      at: 16_000,
      line: JSON.stringify({ eventId: 'IMP-BAD-4:RECEIVED', dossierCode: 'IMP-BAD-4', kind: 'PROCESSING_STARTED', occurredAt: '2025-05-05 09:00' }),
      code: 'BAD_USER_INPUT',
    },
    { at: 18_000, line: 'null', code: 'BAD_USER_INPUT' },
    { at: lines.length, line: '{"eventId": 42}}', code: 'BAD_USER_INPUT' },
  ];
  for (const b of [...bad].sort((x, y) => y.at - x.at)) lines.splice(b.at, 0, b.line);
  lines.splice(100, 0, '');
  lines.splice(7_000, 0, '   ');

  const refused: GeneratedFile['refused'] = [];
  const badLines = new Map(bad.map((b) => [b.line, b.code]));
  let text = '';
  lines.forEach((line, i) => {
    if (badLines.has(line)) refused.push({ line: i + 1, code: badLines.get(line)! });
    const last = i === lines.length - 1;
    // CRLF on some lines, and no newline after the last: both must keep byte offsets exact.
    text += line + (last ? '' : i % 7 === 3 ? '\r\n' : '\n');
  });
  return { text, validEvents: events.length, dossiers: dossierCount, byStatus, refused };
}

// --- running the CLI -------------------------------------------------------------------------

function startCli(file: string, url: string, args: string[] = ['--batch', String(BATCH)]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, file, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

const runCli = (file: string, url: string, args?: string[]) => startCli(file, url, args).done;

/** "  accepted            19,600" → 19600 */
function summaryNumber(stdout: string, label: string): number {
  const match = new RegExp(`^\\s+${label}\\s+([\\d,]+)`, 'm').exec(stdout);
  if (!match) throw new Error(`No "${label}" in the summary:\n${stdout}`);
  return Number(match[1].replace(/,/g, ''));
}

const readErrors = (file: string): { line: number; eventId: string | null; code: string; message: string; field: string | null }[] =>
  fs
    .readFileSync(`${file}.import-errors.ndjson`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

// --- the database's state --------------------------------------------------------------------

/** What an import decides; lookup_secret_hash is left out, being random per imported receipt. */
async function fingerprint(ds: DataSource) {
  const dossiers: { row: string }[] = await ds.query(
    `SELECT concat_ws('|', code, status, received_at, due_at, completed_at, completion_timeliness, synced_to_national_portal, history_complete) AS row FROM dossier ORDER BY code`,
  );
  const events: { row: string }[] = await ds.query(
    `SELECT concat_ws('|', d.code, e.external_id, e.kind, e.from_status, e.to_status, e.occurred_at, e.details) AS row
       FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id ORDER BY d.code, e.occurred_at, e.external_id`,
  );
  const [counts] = await ds.query(
    `SELECT (SELECT count(*) FROM sync_event)::int AS sync_events, (SELECT count(*) FROM dossier_event)::int AS dossier_events, (SELECT count(*) FROM sync_event WHERE held_reason IS NOT NULL)::int AS held`,
  );
  const [sync] = await ds.query(
    `SELECT md5(string_agg(concat_ws('|', event_id, dossier_code, kind, occurred_at, payload - 'lookupSecretHash', held_reason), E'\\n' ORDER BY event_id)) AS digest FROM sync_event`,
  );
  return { dossiers: dossiers.map((r) => r.row), events: events.map((r) => r.row), counts, syncDigest: sync.digest as string };
}

/** Everything a rerun must leave alone, versions and update times included. */
async function untouched(ds: DataSource) {
  return ds.query(
    `SELECT code, version, updated_at, lookup_secret_hash, (SELECT array_agg(id ORDER BY id) FROM dossier_event e WHERE e.dossier_id = d.id) AS event_ids FROM dossier d ORDER BY code`,
  );
}

const syncEventCount = async (ds: DataSource): Promise<number> => (await ds.query(`SELECT count(*)::int AS n FROM sync_event`))[0].n;

// --- the tests -------------------------------------------------------------------------------

const generated = generateFile(4_000);
let workDir: string;
let fileA: string;
let fileB: string;
let fileC: string;
const databases: Database[] = [];
let a: Database;
let b: Database;
let c: Database;

async function database(): Promise<Database> {
  const { url, drop } = await createTestDatabase();
  const dataSource = await createDataSource(url, { poolSize: 2, applicationName: 'import-test' }).initialize();
  const db = { url, dataSource, drop };
  databases.push(db);
  await seedFixtures(dataSource);
  return db;
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'si-import-'));
  // One file per database: the checkpoint and errors files sit beside the file they belong to.
  [fileA, fileB, fileC] = ['a', 'b', 'c'].map((name) => {
    fs.mkdirSync(path.join(workDir, name));
    const file = path.join(workDir, name, 'events.ndjson');
    fs.writeFileSync(file, generated.text);
    return file;
  });
  [a, b, c] = await Promise.all([database(), database(), database()]);
}, 120_000);

afterAll(async () => {
  for (const db of databases) {
    if (db.dataSource.isInitialized) await db.dataSource.destroy();
    await db.drop();
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe('npm run import', () => {
  const rejected = () => generated.refused.length;

  it('imports the whole file in one run: exact counts, refused lines with their line numbers, no checkpoint left', async () => {
    const run = await runCli(fileA, a.url);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(summaryNumber(run.stdout, 'accepted')).toBe(generated.validEvents);
    expect(summaryNumber(run.stdout, 'duplicates')).toBe(0);
    expect(summaryNumber(run.stdout, 'rejected')).toBe(rejected());
    expect(summaryNumber(run.stdout, 'held')).toBe(0);
    expect(summaryNumber(run.stdout, 'lines read')).toBe(generated.text.split('\n').length);
    // stdout is a pipe here: plain progress lines instead of a bar.
    expect(run.stdout).toMatch(/^ {2}100% \|/m);
    expect(run.stdout).toMatch(/\d[\d,]* events\/s/);
    expect(run.stdout).not.toMatch(/Resuming/);

    expect(fs.existsSync(`${fileA}.import-checkpoint.json`)).toBe(false);
    const errors = readErrors(fileA);
    expect(errors.map((e) => ({ line: e.line, code: e.code }))).toEqual(generated.refused);
    expect(errors.find((e) => e.eventId === 'IMP-BAD-1:RECEIVED')).toMatchObject({ code: 'NOT_FOUND', field: 'procedureCode' });
    expect(errors.find((e) => e.eventId === 'IMP-BAD-4:RECEIVED')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'occurredAt' });
    for (const e of errors) expect(run.stdout).toContain(`line ${e.line}: ${e.code}`);

    const state = await fingerprint(a.dataSource);
    expect(state.counts).toEqual({ sync_events: generated.validEvents, dossier_events: generated.validEvents, held: 0 });
    const statuses: { status: string; n: number }[] = await a.dataSource.query(`SELECT status, count(*)::int AS n FROM dossier GROUP BY status`);
    expect(Object.fromEntries(statuses.map((s) => [s.status, s.n]))).toEqual(generated.byStatus);
  });

  it('resumes after being killed midway and ends in the same state as the run that was never interrupted', async () => {
    const checkpointFile = `${fileB}.import-checkpoint.json`;
    const { child, done } = startCli(fileB, b.url);
    let exited = false;
    void done.then(() => (exited = true));
    // Kill it a few batches in, the moment a checkpoint says so: mid-file, maybe mid-batch.
    for (;;) {
      if (exited) throw new Error(`The import ended before it could be killed:\n${(await done).stdout}`);
      const checkpoint = fs.existsSync(checkpointFile) ? JSON.parse(fs.readFileSync(checkpointFile, 'utf8')) : null;
      if (checkpoint?.lineNumber >= 3 * BATCH) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const checkpoint = JSON.parse(fs.readFileSync(checkpointFile, 'utf8'));
    const storedBeforeResume = await syncEventCount(b.dataSource);
    expect(storedBeforeResume).toBeGreaterThanOrEqual(checkpoint.totals.accepted);
    expect(storedBeforeResume).toBeLessThan(generated.validEvents);

    const run = await runCli(fileB, b.url);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Resuming from the checkpoint: line ${(checkpoint.lineNumber + 1).toLocaleString('en')}`);
    // Totals carry over from the checkpoint; a batch that committed after it comes back as duplicates.
    expect(summaryNumber(run.stdout, 'accepted')).toBe(generated.validEvents);
    expect(summaryNumber(run.stdout, 'duplicates')).toBe(storedBeforeResume - checkpoint.totals.accepted);
    expect(summaryNumber(run.stdout, 'rejected')).toBe(rejected());
    expect(summaryNumber(run.stdout, 'lines read')).toBe(generated.text.split('\n').length);
    expect(fs.existsSync(checkpointFile)).toBe(false);
    // Refused lines after the checkpoint were refused twice; the errors file has each once.
    expect(fs.readFileSync(`${fileB}.import-errors.ndjson`, 'utf8')).toBe(fs.readFileSync(`${fileA}.import-errors.ndjson`, 'utf8'));

    const [stateA, stateB] = await Promise.all([fingerprint(a.dataSource), fingerprint(b.dataSource)]);
    expect(stateB.counts).toEqual(stateA.counts);
    expect(stateB.syncDigest).toBe(stateA.syncDigest);
    expect(stateB.dossiers).toEqual(stateA.dossiers);
    expect(stateB.events).toEqual(stateA.events);
  });

  it('goes on from a checkpoint that lags behind the database and the errors file (a crash between a commit and its checkpoint)', async () => {
    const checkpointFile = `${fileC}.import-checkpoint.json`;
    const { done } = startCli(fileC, c.url);
    let finished = false;
    void done.then(() => (finished = true));
    let early: string | undefined;
    while (!early) {
      if (finished) throw new Error(`The import ended before a checkpoint could be read:\n${(await done).stdout}`);
      const text = fs.existsSync(checkpointFile) ? fs.readFileSync(checkpointFile, 'utf8') : '';
      if (text && JSON.parse(text).errorsFileBytes > 0) early = text;
      else await new Promise((r) => setTimeout(r, 5));
    }
    expect((await done).code).toBe(0);
    // Put the early checkpoint back: everything after it is committed and its errors written,
    // as if the process had died each time between a batch's commit and its checkpoint.
    fs.writeFileSync(checkpointFile, early);
    const checkpoint = JSON.parse(early);
    expect(fs.statSync(`${fileC}.import-errors.ndjson`).size).toBeGreaterThan(checkpoint.errorsFileBytes);

    const run = await runCli(fileC, c.url);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Resuming from the checkpoint: line ${(checkpoint.lineNumber + 1).toLocaleString('en')}`);
    expect(summaryNumber(run.stdout, 'accepted')).toBe(checkpoint.totals.accepted);
    expect(summaryNumber(run.stdout, 'duplicates')).toBe(generated.validEvents - checkpoint.totals.accepted);
    expect(summaryNumber(run.stdout, 'rejected')).toBe(rejected());
    expect(fs.existsSync(checkpointFile)).toBe(false);
    expect(fs.readFileSync(`${fileC}.import-errors.ndjson`, 'utf8')).toBe(fs.readFileSync(`${fileA}.import-errors.ndjson`, 'utf8'));
    const [stateA, stateC] = await Promise.all([fingerprint(a.dataSource), fingerprint(c.dataSource)]);
    expect(stateC).toEqual(stateA);
  });

  it('changes nothing when a completed import is run again: every event is a duplicate', async () => {
    const before = await untouched(a.dataSource);
    const stateBefore = await fingerprint(a.dataSource);
    const run = await runCli(fileA, a.url, ['--batch', '5000']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/Resuming/);
    expect(summaryNumber(run.stdout, 'accepted')).toBe(0);
    expect(summaryNumber(run.stdout, 'duplicates')).toBe(generated.validEvents);
    expect(summaryNumber(run.stdout, 'rejected')).toBe(rejected());
    expect(summaryNumber(run.stdout, 'dossiers replayed')).toBe(0);
    expect(await untouched(a.dataSource)).toEqual(before);
    expect(await fingerprint(a.dataSource)).toEqual(stateBefore);
    expect(readErrors(fileA).map((e) => e.line)).toEqual(generated.refused.map((r) => r.line));
  });

  it('writes an event PostgreSQL cannot store (a NUL, a lone surrogate) to the errors file and goes on with the rest of its batch', async () => {
    // A database of its own: database A's state is what the HTTP path is compared with.
    const own = await database();
    const file = path.join(workDir, 'unstorable.ndjson');
    const receipt = (code: string, name: string) =>
      JSON.stringify({
        eventId: `${code}:RECEIVED`,
        dossierCode: code,
        kind: 'RECEIVED',
        occurredAt: '2025-05-05T09:00:00+07:00',
        procedureCode: '1.001193',
        agencyCode: 'TPA-STP',
        channel: 'ONLINE',
        applicant: { kind: 'CITIZEN', name, idNumber: '001090012345' },
      });
    fs.writeFileSync(
      file,
      [
        receipt('UNSTORABLE-1', 'Đỗ Văn Hải'),
        receipt('UNSTORABLE-2', 'Đỗ\u0000Văn Hải'),
        JSON.stringify({
          eventId: 'UNSTORABLE-1:SUPPLEMENT_REQUESTED',
          dossierCode: 'UNSTORABLE-1',
          kind: 'SUPPLEMENT_REQUESTED',
          occurredAt: '2025-05-05T10:00:00+07:00',
          reason: 'Thiếu \ud800',
        }),
        JSON.stringify({
          eventId: 'UNSTORABLE-1:PROCESSING_STARTED',
          dossierCode: 'UNSTORABLE-1',
          kind: 'PROCESSING_STARTED',
          occurredAt: '2025-05-05T10:00:00+07:00',
        }),
      ].join('\n') + '\n',
    );
    const run = await runCli(file, own.url);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(summaryNumber(run.stdout, 'accepted')).toBe(2);
    expect(summaryNumber(run.stdout, 'rejected')).toBe(2);
    expect(readErrors(file).map((e) => [e.line, e.code, e.field])).toEqual([
      [2, 'BAD_USER_INPUT', 'applicant.name'],
      [3, 'BAD_USER_INPUT', 'reason'],
    ]);
    expect(fs.existsSync(`${file}.import-checkpoint.json`)).toBe(false);
    const [row] = await own.dataSource.query(`SELECT status FROM dossier WHERE code = 'UNSTORABLE-1'`);
    expect(row.status).toBe('PROCESSING');
  });

  it('refuses bad arguments and a missing file with a message and a non-zero status', async () => {
    const missing = await runCli(path.join(workDir, 'nope.ndjson'), a.url);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('No such file');
    for (const args of [['--batch', '0'], ['--batch', '5001'], ['--batch', 'many'], ['--bogus']]) {
      const run = await runCli(fileA, a.url, args);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('Usage: npm run import');
    }
    const unreachable = await runCli(fileA, 'postgres://postgres@127.0.0.1:1/nothing');
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toContain('Cannot open the database');
  });
});

describe('npm run import --url (to a running API, as an agency system)', () => {
  /** A database nobody listens on: the HTTP path must not need one. */
  const NO_DATABASE = 'postgres://postgres@127.0.0.1:1/nothing';
  let d: Database;
  let app: TestApp;
  let fileD: string;

  beforeAll(async () => {
    d = await database();
    app = await startTestApp({ databaseUrl: d.url });
    fs.mkdirSync(path.join(workDir, 'd'));
    fileD = path.join(workDir, 'd', 'events.ndjson');
    fs.writeFileSync(fileD, generated.text);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('refuses a token the API refuses, at once, storing nothing', async () => {
    const run = await runCli(fileD, NO_DATABASE, ['--url', app.url, '--token', 'not-a-token']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The API at ${app.url} refused the token (HTTP 401`);
    expect(run.stdout).not.toMatch(/sending the batch again/);
    expect(await syncEventCount(d.dataSource)).toBe(0);
    // A LEADER may read but not import: FORBIDDEN is as final as a bad token.
    const leader = await runCli(fileD, NO_DATABASE, ['--url', app.url, '--token', app.token(Role.LEADER, 'TPA')]);
    expect(leader.code).toBe(1);
    expect(leader.stderr).toMatch(/refused the token \(HTTP \d+, FORBIDDEN/);
    expect(await syncEventCount(d.dataSource)).toBe(0);
  });

  it('sends the file through importDossierEvents and ends in the same state as the database path, with the same summary and errors file', async () => {
    // The token from the environment, as the usage advises (it stays out of the process list).
    const child = spawn(process.execPath, [CLI, fileD, '--batch', String(BATCH), '--url', app.url], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: NO_DATABASE, NODE_ENV: 'test', API_TOKEN: app.token(Role.ADMIN, 'TPA') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(summaryNumber(stdout, 'accepted')).toBe(generated.validEvents);
    expect(summaryNumber(stdout, 'duplicates')).toBe(0);
    expect(summaryNumber(stdout, 'rejected')).toBe(generated.refused.length);
    expect(summaryNumber(stdout, 'lines read')).toBe(generated.text.split('\n').length);
    expect(fs.existsSync(`${fileD}.import-checkpoint.json`)).toBe(false);
    // Refused by the service over HTTP or by the CLI before sending: the same lines, codes and fields.
    expect(fs.readFileSync(`${fileD}.import-errors.ndjson`, 'utf8')).toBe(fs.readFileSync(`${fileA}.import-errors.ndjson`, 'utf8'));
    const [stateA, stateD] = await Promise.all([fingerprint(a.dataSource), fingerprint(d.dataSource)]);
    expect(stateD.counts).toEqual(stateA.counts);
    expect(stateD.dossiers).toEqual(stateA.dossiers);
    expect(stateD.events).toEqual(stateA.events);
  });

  it('sends a batch again after a network error, a 503 and a 429, waiting as Retry-After says', async () => {
    // In front of the real API: the first three requests fail as a proxy or a busy API would.
    const failures: ((req: http.IncomingMessage, res: http.ServerResponse) => void)[] = [
      (req) => req.socket.destroy(),
      (_req, res) => res.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain' }).end('upstream restarting'),
      (_req, res) =>
        res
          .writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ message: 'Too many requests; retry after 1 s.', extensions: { code: 'RATE_LIMITED' } }] })),
    ];
    let requests = 0;
    const front = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const fail = failures[requests++];
        if (fail) return fail(req, res);
        fetch(app.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
          body: Buffer.concat(chunks),
        }).then(
          async (answer) =>
            res
              .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
              .end(Buffer.from(await answer.arrayBuffer())),
          () => res.writeHead(502).end(),
        );
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const frontUrl = `http://127.0.0.1:${(front.address() as import('node:net').AddressInfo).port}/graphql`;
    try {
      const run = await runCli(fileD, NO_DATABASE, ['--batch', '2000', '--url', frontUrl, '--token', app.token(Role.ADMIN, 'TPA')]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/No answer from .*; sending the batch again in 1\.0 s \(attempt 2 of 10\)/);
      expect(run.stdout).toContain('The API answered HTTP 503 (upstream restarting); sending the batch again in 1.0 s (attempt 3 of 10)');
      expect(run.stdout).toContain(
        'The API answered HTTP 429 (RATE_LIMITED: Too many requests; retry after 1 s.); sending the batch again in 1.0 s (attempt 4 of 10)',
      );
      // The file was imported by the previous test: everything arrives once, as a duplicate.
      expect(summaryNumber(run.stdout, 'accepted')).toBe(0);
      expect(summaryNumber(run.stdout, 'duplicates')).toBe(generated.validEvents);
      expect(summaryNumber(run.stdout, 'rejected')).toBe(generated.refused.length);
      expect(requests).toBeGreaterThan(failures.length + 1);
    } finally {
      await new Promise((resolve) => front.close(resolve));
    }
  });

  it('refuses --url without a token, --token without --url, and a URL that is not http(s)', async () => {
    const env = { ...process.env, API_TOKEN: '' };
    for (const [args, message] of [
      [['--url', app.url], '--url needs a token'],
      [['--token', 'x'], '--token goes with --url'],
      [['--url', 'ftp://example.org/graphql', '--token', 'x'], '--url must be an http:// or https:// address'],
    ] as const) {
      const child = spawn(process.execPath, [CLI, fileD, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      expect(await new Promise((resolve) => child.on('close', resolve))).toBe(2);
      expect(stderr).toContain(message);
    }
  });
});
