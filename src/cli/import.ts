import 'reflect-metadata';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs as parseNodeArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import type { Viewer } from '../auth/access';
import { loadConfig } from '../config';
import { ApplicantKind, DossierChannel, DossierEventKind, Role } from '../domain/enums';
import { createServices, Services } from '../services/container';
import { DateTimeScalar } from '../schema/scalars';
import { ImportEventInput, ImportOutcome, MAX_IMPORT_BATCH } from '../services/sync-service';
import { ApiTarget, sendBatch } from './api-import';
import { openCliDatabase } from './database';

/**
 * Bulk import of dossier events from a newline-delimited JSON file, through the same
 * `SyncService.importEvents` the `importDossierEvents` mutation calls:
 *
 *   npm run import -- path/to/events.ndjson [--batch 1000] [--url http://host:4000/graphql --token …]
 *
 * Each line is one event with the fields of the mutation's DossierEventInput (DateTimes as
 * ISO strings with an offset). Uses DATABASE_URL, or the embedded PostgreSQL under DATA_DIR
 * (the one a running `npm start` holds, if any); with --url it sends the batches to that API's
 * mutation instead, as an agency system would, with the token of --token or API_TOKEN.
 * After every committed batch it records where it is in `<file>.import-checkpoint.json`; a
 * run that finds a checkpoint for the same file (same size and mtime) goes on from there.
 * Every refused line goes to `<file>.import-errors.ndjson`.
 *
 * Exit status: 0 when the whole file was processed (refused lines included), 1 on a database
 * or other error, 2 on bad arguments or an unreadable file, 130 when interrupted.
 */

const USAGE = 'Usage: npm run import -- path/to/events.ndjson [--batch 1000] [--url http://host:4000/graphql [--token TOKEN]]   (batch 1..5000; without --token, API_TOKEN)';
const DEFAULT_BATCH = 1000;
const CHECKPOINT_VERSION = 1;
/** Errors listed in the summary; the errors file has all of them. */
const ERRORS_SHOWN = 20;
/**
 * An event is a few hundred bytes; a "line" beyond this is a file without newlines or a
 * corrupt one, and buffering it whole is what streaming the file is meant to avoid.
 */
const MAX_LINE_BYTES = 1 << 20;
/** How often, in lines, the progress is drawn while no event waits to be sent. */
const PROGRESS_EVERY_LINES = 2000;

const EXIT_ERROR = 1;
const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

class UsageError extends Error {}

interface Args {
  file: string;
  batch: number;
  /** A running API to send the batches to, instead of the database. */
  api?: { url: string; token: string };
}

function parseArgs(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseNodeArgs({ args: argv, allowPositionals: true, strict: true, options: { batch: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`Give exactly one file to import${parsed.positionals.length ? `, got ${parsed.positionals.length}` : ''}.\n${USAGE}`);
  const raw = parsed.values.batch;
  const batch = raw === undefined ? DEFAULT_BATCH : /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(batch >= 1 && batch <= MAX_IMPORT_BATCH)) {
    throw new UsageError(`--batch needs an integer between 1 and ${MAX_IMPORT_BATCH}, got "${raw}".\n${USAGE}`);
  }
  const { url, token: tokenFlag } = parsed.values;
  if (url === undefined) {
    if (tokenFlag !== undefined) throw new UsageError(`--token goes with --url (the API to send the events to).\n${USAGE}`);
    return { file: parsed.positionals[0], batch };
  }
  let endpoint: URL;
  try {
    endpoint = new URL(url);
  } catch {
    throw new UsageError(`--url needs the API's GraphQL address, e.g. http://localhost:4000/graphql, got "${url}".\n${USAGE}`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new UsageError(`--url must be an http:// or https:// address, got "${url}".\n${USAGE}`);
  // The environment keeps the token out of the process list and the shell history.
  const token = tokenFlag ?? process.env.API_TOKEN;
  if (!token) throw new UsageError(`--url needs a token: --token TOKEN, or API_TOKEN in the environment (an OFFICER of the agencies concerned, or ADMIN).\n${USAGE}`);
  return { file: parsed.positionals[0], batch, api: { url: endpoint.href, token } };
}

// --- reading lines with their exact byte size ------------------------------------------------

interface RawLine {
  number: number;
  /** The line without its terminator; null when it was longer than MAX_LINE_BYTES. */
  content: Buffer | null;
  /** Bytes it took in the file, terminator included: what the checkpoint offset adds up. */
  size: number;
}

/**
 * Splits the byte range [start, end) of the file into lines. readline cannot serve here: it
 * hands over decoded strings without saying whether "\n", "\r\n" or a lone "\r" ended them,
 * nor how many bytes an invalid UTF-8 sequence took, so offsets summed from its lines drift
 * and a resume would start mid-line. Splitting bytes on "\n" keeps offsets exact; the "\r" of
 * a "\r\n" stays in the content, where JSON reads it as whitespace.
 */
async function* readLines(file: string, start: number, end: number, firstNumber: number): AsyncGenerator<RawLine> {
  if (end <= start) return;
  let number = firstNumber;
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let overlong = false;
  for await (const chunk of fs.createReadStream(file, { start, end: end - 1, highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, from); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
      const size = pendingSize + nl - from + 1;
      const content = overlong || size - 1 > MAX_LINE_BYTES ? null : pending.length ? Buffer.concat([...pending, chunk.subarray(from, nl)]) : chunk.subarray(from, nl);
      yield { number: number++, content, size };
      pending = [];
      pendingSize = 0;
      overlong = false;
      from = nl + 1;
    }
    if (from < chunk.length) {
      pendingSize += chunk.length - from;
      if (pendingSize > MAX_LINE_BYTES) {
        overlong = true;
        pending = [];
      } else {
        pending.push(chunk.subarray(from));
      }
    }
  }
  if (pendingSize > 0) yield { number, content: overlong ? null : Buffer.concat(pending), size: pendingSize };
}

// --- turning a line into an event ------------------------------------------------------------

/** One refused line, as written to the errors file. */
interface LineError {
  line: number;
  eventId: string | null;
  code: string;
  message: string;
  field: string | null;
}

type ParsedLine = { kind: 'blank' } | { kind: 'event'; event: ImportEventInput } | { kind: 'refused'; error: Omit<LineError, 'line'> };

type FieldType = 'string' | 'boolean' | 'dateTime' | 'applicant' | { enum: Record<string, string> };

/**
 * The input types the mutation's GraphQL layer enforces before the service sees an event
 * (the service trusts them: a number where a string belongs would throw inside it and fail
 * the whole batch, and an unknown channel would fail its SQL). `satisfies` keeps this table
 * in step with ImportEventInput: a field added there does not compile until it is added here.
 */
const EVENT_FIELDS = {
  eventId: { type: 'string', required: true },
  dossierCode: { type: 'string', required: true },
  kind: { type: { enum: DossierEventKind }, required: true },
  occurredAt: { type: 'dateTime', required: true },
  procedureCode: { type: 'string' },
  agencyCode: { type: 'string' },
  channel: { type: { enum: DossierChannel } },
  applicant: { type: 'applicant' },
  lookupSecret: { type: 'string' },
  digitizedAtReceipt: { type: 'boolean' },
  reusedDigitizedData: { type: 'boolean' },
  feePaidOnline: { type: 'boolean' },
  transferredIn: { type: 'boolean' },
  reason: { type: 'string' },
  electronicResult: { type: 'boolean' },
  toAgencyCode: { type: 'string' },
  newAppointmentAt: { type: 'dateTime' },
} satisfies Record<keyof ImportEventInput, { type: FieldType; required?: boolean }>;

const APPLICANT_FIELDS: Record<string, { type: FieldType; required?: boolean }> = {
  kind: { type: { enum: ApplicantKind }, required: true },
  name: { type: 'string', required: true },
  idNumber: { type: 'string', required: true },
  phone: { type: 'string' },
  address: { type: 'string' },
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseLine(content: Buffer | null): ParsedLine {
  const refuse = (message: string, field: string | null = null, eventId: string | null = null): ParsedLine => ({ kind: 'refused', error: { eventId, code: 'BAD_USER_INPUT', message, field } });
  if (content === null) return refuse(`Line longer than ${MAX_LINE_BYTES} bytes: not an event.`);
  let text: string;
  try {
    text = utf8.decode(content); // also drops a UTF-8 byte order mark
  } catch {
    return refuse('Line is not valid UTF-8.');
  }
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse(`Line is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return refuse(`Line is JSON but not an object (${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}).`);
  const record = value as Record<string, unknown>;
  const eventId = typeof record.eventId === 'string' ? record.eventId : null;
  const converted = convertObject(record, EVENT_FIELDS, '');
  if ('problem' in converted) return refuse(converted.problem.message, converted.problem.field, eventId);
  return { kind: 'event', event: converted.value as unknown as ImportEventInput };
}

type Converted = { value: Record<string, unknown> } | { problem: { field: string; message: string } };

function convertObject(record: Record<string, unknown>, fields: Record<string, { type: FieldType; required?: boolean }>, prefix: string): Converted {
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(fields, key)) return { problem: { field: prefix + key, message: `Unknown field "${prefix + key}".` } };
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    const field = prefix + key;
    const value = record[key];
    if (value === undefined || value === null) {
      if (spec.required) return { problem: { field, message: `${field} is required.` } };
      if (value === null) out[key] = null;
      continue;
    }
    const type = spec.type;
    if (type === 'string' || type === 'boolean') {
      if (typeof value !== type) return { problem: { field, message: `${field} must be a ${type}, got ${JSON.stringify(value)}.` } };
      out[key] = value;
    } else if (type === 'dateTime') {
      try {
        out[key] = DateTimeScalar.parseValue(value);
      } catch (error) {
        return { problem: { field, message: `${field}: ${error instanceof Error ? error.message : String(error)}` } };
      }
    } else if (type === 'applicant') {
      if (typeof value !== 'object' || Array.isArray(value)) return { problem: { field, message: `${field} must be an object.` } };
      const applicant = convertObject(value as Record<string, unknown>, APPLICANT_FIELDS, `${field}.`);
      if ('problem' in applicant) return applicant;
      out[key] = applicant.value;
    } else {
      const allowed = Object.values(type.enum);
      if (typeof value !== 'string' || !allowed.includes(value)) return { problem: { field, message: `${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}.` } };
      out[key] = value;
    }
  }
  return { value: out };
}

// --- checkpoint ------------------------------------------------------------------------------

interface Totals {
  lines: number;
  blank: number;
  /** Non-blank lines: every line that was or could have been an event. */
  events: number;
  accepted: number;
  duplicates: number;
  /** Refused by this CLI (not JSON, wrong types) plus refused by the service. */
  rejected: number;
  refusedLines: number;
  held: number;
  dossiersReplayed: number;
}

const zeroTotals = (): Totals => ({ lines: 0, blank: 0, events: 0, accepted: 0, duplicates: 0, rejected: 0, refusedLines: 0, held: 0, dossiersReplayed: 0 });

interface Checkpoint {
  version: number;
  file: string;
  /** The file's identity when the checkpoint was taken: a different file never resumes it. */
  fileSize: number;
  mtimeMs: number;
  /** Start of the first line not yet imported. */
  byteOffset: number;
  /** Lines before byteOffset. */
  lineNumber: number;
  /** Size the errors file had: what a resumed run truncates it back to. */
  errorsFileBytes: number;
  totals: Totals;
  elapsedMs: number;
  updatedAt: string;
}

async function readCheckpoint(file: string): Promise<{ checkpoint: Checkpoint } | { unusable: string } | null> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const checkpoint = JSON.parse(text) as Checkpoint;
    if (checkpoint.version !== CHECKPOINT_VERSION || typeof checkpoint.byteOffset !== 'number' || !checkpoint.totals) return { unusable: 'written by another version' };
    return { checkpoint };
  } catch {
    return { unusable: 'unreadable' };
  }
}

/**
 * Temp file, fsync, rename: a crash at any point leaves either the previous checkpoint or the
 * new one, never a torn file that would make the next run start over or, worse, mid-line.
 */
async function writeCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await fsp.open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(temp, file);
}

// --- progress --------------------------------------------------------------------------------

/**
 * Progress by bytes read, which is known without counting the file's lines first (that would
 * read the whole file twice). A bar on a terminal; otherwise (CI, a log file) one plain line
 * per 5 %, since a redrawn bar would fill the log with control characters.
 */
class Progress {
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
    return { done: mib(bytes), size: mib(this.total), rate: Math.round(eventsPerSecond(events - this.startEvents, Date.now() - this.started)).toLocaleString('en') };
  }
}

function eventsPerSecond(events: number, ms: number): number {
  return ms > 0 ? (events * 1000) / ms : 0;
}

// --- the import ------------------------------------------------------------------------------

/** The service's error fields name the event by its index in the call ("events.12.applicant"), meaningless in the file. */
function fieldInEvent(field: string | null, index: number): string | null {
  const prefix = `events.${index}.`;
  return field?.startsWith(prefix) ? field.slice(prefix.length) : field;
}

class Interrupted extends Error {}

interface ImportPaths {
  file: string;
  checkpoint: string;
  errors: string;
}

/** Stores one batch, all of it or none, and says what became of each event. */
type SendBatch = (events: ImportEventInput[]) => Promise<ImportOutcome>;

/** Batches straight into the database, through the service the mutation calls. */
function databaseSender(services: Services): SendBatch {
  // The CLI is trusted like the database itself: it acts as an ADMIN, whose scope is everything.
  const viewer: Viewer = { sub: `cli-import:${os.userInfo().username}`.slice(0, 100), role: Role.ADMIN, agencyCode: 'ADMIN', agencyPath: '/' };
  return async (events) => {
    const outcome = await services.sync.importEvents(viewer, events);
    // Index updates for the synced dossiers run in the background; waiting here keeps
    // them from piling up behind a fast import and from being lost by a crash after the
    // checkpoint says the batch is done (a re-sent batch is all duplicates, so it would
    // not trigger them again).
    await services.index.whenIdle();
    return outcome;
  };
}

async function importFile(send: SendBatch, paths: ImportPaths, batchSize: number, stat: fs.Stats, stopRequested: () => boolean): Promise<{ totals: Totals; ms: number; eventsThisRun: number; linesThisRun: number }> {
  let start = { byteOffset: 0, lineNumber: 0, errorsFileBytes: 0, totals: zeroTotals(), elapsedMs: 0 };
  const found = await readCheckpoint(paths.checkpoint);
  if (found && 'unusable' in found) {
    console.log(`Ignoring the checkpoint ${paths.checkpoint} (${found.unusable}): starting from the beginning. Events already imported count as duplicates.`);
  } else if (found) {
    const c = found.checkpoint;
    if (c.fileSize === stat.size && c.mtimeMs === stat.mtimeMs && c.byteOffset <= stat.size) {
      start = c;
      console.log(`Resuming from the checkpoint: line ${(c.lineNumber + 1).toLocaleString('en')} (byte ${c.byteOffset.toLocaleString('en')} of ${stat.size.toLocaleString('en')}); ${c.totals.accepted.toLocaleString('en')} events were accepted before.`);
    } else {
      console.log(`The checkpoint ${paths.checkpoint} was taken of a different version of the file (size or modification time changed): starting from the beginning. Events already imported count as duplicates.`);
    }
  }

  // The errors file must hold exactly the errors of the lines before the checkpoint: lines
  // refused after it in a run that died are read and refused again.
  const errorsFile = await openErrorsFile(paths.errors, start.errorsFileBytes);
  let errorsFileBytes = start.errorsFileBytes;
  const totals: Totals = { ...start.totals };
  let byteOffset = start.byteOffset;
  let lineNumber = start.lineNumber;
  let batch: ImportEventInput[] = [];
  let batchLines: number[] = [];
  let refused: LineError[] = [];
  const started = Date.now();
  const progress = new Progress(stat.size, byteOffset, totals.events);

  const flush = async (final: boolean) => {
    let outcome: ImportOutcome = { accepted: 0, duplicates: 0, rejected: 0, held: 0, dossiersReplayed: 0, errors: [] };
    if (batch.length) {
      try {
        outcome = await send(batch);
      } catch (error) {
        const [first, last] = [batchLines[0], batchLines[batchLines.length - 1]].map((n) => n.toLocaleString('en'));
        throw new Error(
          `Importing ${first === last ? `line ${first}` : `lines ${first}–${last}`} failed: ${error instanceof Error ? error.message : String(error)}\n` +
            `The batch is one transaction: none of it was stored (or all of it, if the connection broke while committing). ` +
            `Lines before ${first} are imported; run the same command again to go on from there (events already stored count as duplicates).`,
          { cause: error },
        );
      }
    }
    const errors: LineError[] = [
      ...refused,
      ...outcome.errors.map((e) => ({ line: batchLines[e.index], eventId: e.eventId, code: e.code, message: e.message, field: fieldInEvent(e.field, e.index) })),
    ].sort((a, b) => a.line - b.line);
    if (errors.length) {
      const text = errors.map((e) => JSON.stringify(e)).join('\n') + '\n';
      await errorsFile.write(text);
      await errorsFile.datasync();
      errorsFileBytes += Buffer.byteLength(text);
    }
    totals.accepted += outcome.accepted;
    totals.duplicates += outcome.duplicates;
    totals.rejected += outcome.rejected + refused.length;
    totals.refusedLines += refused.length;
    totals.held += outcome.held;
    totals.dossiersReplayed += outcome.dossiersReplayed;
    batch = [];
    batchLines = [];
    refused = [];
    // The last batch needs no checkpoint: the file is done and its checkpoint is removed.
    if (!final) {
      await writeCheckpoint(paths.checkpoint, {
        version: CHECKPOINT_VERSION,
        file: paths.file,
        fileSize: stat.size,
        mtimeMs: stat.mtimeMs,
        byteOffset,
        lineNumber,
        errorsFileBytes,
        totals,
        elapsedMs: start.elapsedMs + Date.now() - started,
        updatedAt: new Date().toISOString(),
      });
    }
    progress.update(byteOffset, totals.events);
  };

  try {
    for await (const raw of readLines(paths.file, byteOffset, stat.size, lineNumber + 1)) {
      byteOffset += raw.size;
      lineNumber = raw.number;
      totals.lines++;
      const parsed = parseLine(raw.content);
      if (parsed.kind === 'blank') totals.blank++;
      else {
        totals.events++;
        if (parsed.kind === 'refused') refused.push({ line: raw.number, ...parsed.error });
        else {
          batch.push(parsed.event);
          batchLines.push(raw.number);
        }
      }
      if (batch.length === batchSize) {
        await flush(false);
        if (stopRequested()) throw new Interrupted(`Stopped after line ${lineNumber.toLocaleString('en')}, with everything before it imported; run the same command again to go on from there.`);
      } else if (batch.length === 0 && raw.number % PROGRESS_EVERY_LINES === 0) {
        // Only while nothing waits to be sent (a run of lines that are not events): otherwise
        // the figures would count lines read ahead of what is imported.
        progress.update(byteOffset, totals.events);
      }
    }
    await flush(true);
  } finally {
    progress.stop();
    await errorsFile.close();
  }
  await fsp.rm(paths.checkpoint, { force: true });
  if (totals.rejected === 0) await fsp.rm(paths.errors, { force: true });
  return { totals, ms: Date.now() - started, eventsThisRun: totals.events - start.totals.events, linesThisRun: totals.lines - start.totals.lines };
}

async function openErrorsFile(file: string, keepBytes: number): Promise<FileHandle> {
  if (keepBytes === 0) return fsp.open(file, 'w');
  const size = await fsp.stat(file).then(
    (s) => s.size,
    () => 0,
  );
  if (size < keepBytes) console.log(`Warning: ${file} is shorter than when the checkpoint was taken; the errors of the lines before the checkpoint are not all in it.`);
  else await fsp.truncate(file, keepBytes);
  return fsp.open(file, 'a');
}

/** The first errors of the errors file, which holds those of earlier runs on a resume too. */
async function firstErrors(file: string, count: number): Promise<LineError[]> {
  if (!fs.existsSync(file)) return [];
  const out: LineError[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    out.push(JSON.parse(line) as LineError);
    if (out.length >= count) break;
  }
  lines.close();
  return out;
}

function printSummary(file: string, errorsPath: string, result: { totals: Totals; ms: number; eventsThisRun: number; linesThisRun: number }, shown: LineError[]): void {
  const t = result.totals;
  const n = (x: number) => x.toLocaleString('en');
  const resumed = result.linesThisRun !== t.lines;
  console.log(
    [
      `Imported ${file}${resumed ? ` (this run read ${n(result.linesThisRun)} of its lines; totals include the earlier run)` : ''}:`,
      `  lines read          ${n(t.lines)}${t.blank ? ` (${n(t.blank)} blank)` : ''}`,
      `  accepted            ${n(t.accepted)}`,
      `  duplicates          ${n(t.duplicates)}`,
      `  rejected            ${n(t.rejected)}${t.refusedLines ? ` (${n(t.refusedLines)} lines that are not events, ${n(t.rejected - t.refusedLines)} refused by the service)` : ''}`,
      `  held                ${n(t.held)}`,
      `  dossiers replayed   ${n(t.dossiersReplayed)} (summed over batches)`,
      `  elapsed             ${(result.ms / 1000).toFixed(1)} s, ${n(Math.round(eventsPerSecond(result.eventsThisRun, result.ms)))} events/s`,
    ].join('\n'),
  );
  if (!shown.length) return;
  console.log(`First ${Math.min(shown.length, t.rejected)} of ${n(t.rejected)} errors (all of them in ${errorsPath}):`);
  for (const e of shown) console.log(`  line ${e.line}: ${e.code}${e.field ? ` (${e.field})` : ''}${e.eventId ? ` [${e.eventId}]` : ''} ${e.message}`);
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return EXIT_USAGE;
  }
  const file = path.resolve(args.file);
  const stat = await fsp.stat(file).catch((error: NodeJS.ErrnoException) => error);
  if (stat instanceof Error) {
    console.error(stat.code === 'ENOENT' ? `No such file: ${args.file}` : `Cannot read ${args.file}: ${stat.message}`);
    return EXIT_USAGE;
  }
  if (!stat.isFile()) {
    console.error(`Not a regular file: ${args.file}`);
    return EXIT_USAGE;
  }
  try {
    await fsp.access(file, fs.constants.R_OK);
  } catch (error) {
    console.error(`Cannot read ${args.file}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_USAGE;
  }

  // First Ctrl-C: finish the batch in flight and write its checkpoint, so the next run loses
  // nothing. Second: stop at once (the import is idempotent, the next run catches up anyway).
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(EXIT_INTERRUPTED);
    stopping = true;
    process.stderr.write(`\n${signal}: stopping after the batch in flight (again to stop at once) …\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const paths: ImportPaths = { file, checkpoint: `${file}.import-checkpoint.json`, errors: `${file}.import-errors.ndjson` };
  let target: { send: SendBatch; close: () => Promise<void> };
  if (args.api) {
    const api: ApiTarget = { ...args.api, log: (message) => console.log(message), stopRequested: () => stopping };
    target = { send: (events) => sendBatch(api, events), close: async () => undefined };
  } else {
    let config;
    try {
      config = loadConfig();
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      return EXIT_USAGE;
    }
    let db;
    try {
      db = await openCliDatabase(config, { applicationName: 'service-index-import' });
    } catch (error) {
      console.error(`Cannot open the database: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT_ERROR;
    }
    const services = createServices(config, db.dataSource);
    const opened = db;
    target = {
      send: databaseSender(services),
      close: async () => {
        await services.index.whenIdle();
        await services.realtime.stop();
        await opened.close();
      },
    };
  }
  try {
    console.log(`Importing ${args.file} (${(stat.size / 2 ** 20).toFixed(1)} MiB) in batches of ${args.batch}${args.api ? ` to ${args.api.url}` : ''} …`);
    const result = await importFile(target.send, paths, args.batch, stat, () => stopping);
    printSummary(args.file, paths.errors, result, await firstErrors(paths.errors, ERRORS_SHOWN));
    return 0;
  } catch (error) {
    if (error instanceof Interrupted) {
      console.error(error.message);
      return EXIT_INTERRUPTED;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return EXIT_ERROR;
  } finally {
    await target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(EXIT_ERROR);
  },
);
