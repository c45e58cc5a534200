import 'reflect-metadata';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs as parseNodeArgs } from 'node:util';
import type { Viewer } from '../auth/access';
import { loadConfig } from '../config';
import { Role } from '../domain/enums';
import { createServices, Services } from '../services/container';
import { ImportEventInput, ImportOutcome, MAX_IMPORT_BATCH } from '../services/sync-service';
import { ApiTarget, sendBatch } from './api-import';
import { openCliDatabase } from './database';
import { Checkpoint, CHECKPOINT_VERSION, readCheckpoint, Totals, writeCheckpoint, zeroTotals } from './import-checkpoint';
import { LineError, parseLine, readLines } from './import-lines';
import { eventsPerSecond, Progress } from './import-progress';

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

const USAGE =
  'Usage: npm run import -- path/to/events.ndjson [--batch 1000] [--url http://host:4000/graphql [--token TOKEN]]   (batch 1..5000; without --token, API_TOKEN)';
const DEFAULT_BATCH = 1000;
/** Errors listed in the summary; the errors file has all of them. */
const ERRORS_SHOWN = 20;
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
    parsed = parseNodeArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { batch: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (parsed.positionals.length !== 1)
    throw new UsageError(`Give exactly one file to import${parsed.positionals.length ? `, got ${parsed.positionals.length}` : ''}.\n${USAGE}`);
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
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:')
    throw new UsageError(`--url must be an http:// or https:// address, got "${url}".\n${USAGE}`);
  // The environment keeps the token out of the process list and the shell history.
  const token = tokenFlag ?? process.env.API_TOKEN;
  if (!token)
    throw new UsageError(`--url needs a token: --token TOKEN, or API_TOKEN in the environment (an OFFICER of the agencies concerned, or ADMIN).\n${USAGE}`);
  return { file: parsed.positionals[0], batch, api: { url: endpoint.href, token } };
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

/** Where this run starts: the checkpoint of an earlier run on the same file (same size and mtime), or the beginning. */
async function startingPoint(
  checkpointFile: string,
  stat: fs.Stats,
): Promise<Pick<Checkpoint, 'byteOffset' | 'lineNumber' | 'errorsFileBytes' | 'totals' | 'elapsedMs'>> {
  const beginning = { byteOffset: 0, lineNumber: 0, errorsFileBytes: 0, totals: zeroTotals(), elapsedMs: 0 };
  const found = await readCheckpoint(checkpointFile);
  if (found && 'unusable' in found) {
    console.log(`Ignoring the checkpoint ${checkpointFile} (${found.unusable}): starting from the beginning. Events already imported count as duplicates.`);
  } else if (found) {
    const c = found.checkpoint;
    if (c.fileSize === stat.size && c.mtimeMs === stat.mtimeMs && c.byteOffset <= stat.size) {
      console.log(
        `Resuming from the checkpoint: line ${(c.lineNumber + 1).toLocaleString('en')} (byte ${c.byteOffset.toLocaleString('en')} of ${stat.size.toLocaleString('en')}); ${c.totals.accepted.toLocaleString('en')} events were accepted before.`,
      );
      return c;
    }
    console.log(
      `The checkpoint ${checkpointFile} was taken of a different version of the file (size or modification time changed): starting from the beginning. Events already imported count as duplicates.`,
    );
  }
  return beginning;
}

/** Sends one batch; a failure says which lines it held and that none of them (or all) were stored. */
async function sendLines(send: SendBatch, batch: ImportEventInput[], batchLines: number[]): Promise<ImportOutcome> {
  try {
    return await send(batch);
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

/** A batch's errors by line of the file: the lines refused before sending and the events the service refused. */
function lineErrors(refused: LineError[], outcome: ImportOutcome, batchLines: number[]): LineError[] {
  return [
    ...refused,
    ...outcome.errors.map((e) => ({ line: batchLines[e.index], eventId: e.eventId, code: e.code, message: e.message, field: fieldInEvent(e.field, e.index) })),
  ].sort((a, b) => a.line - b.line);
}

/** Adds a batch's outcome, and the lines refused before sending it, to the totals. */
function addOutcome(totals: Totals, outcome: ImportOutcome, refusedLines: number): void {
  totals.accepted += outcome.accepted;
  totals.duplicates += outcome.duplicates;
  totals.rejected += outcome.rejected + refusedLines;
  totals.refusedLines += refusedLines;
  totals.held += outcome.held;
  totals.dossiersReplayed += outcome.dossiersReplayed;
}

async function importFile(
  send: SendBatch,
  paths: ImportPaths,
  batchSize: number,
  stat: fs.Stats,
  stopRequested: () => boolean,
): Promise<{ totals: Totals; ms: number; eventsThisRun: number; linesThisRun: number }> {
  const start = await startingPoint(paths.checkpoint, stat);
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
    if (batch.length) outcome = await sendLines(send, batch, batchLines);
    const errors = lineErrors(refused, outcome, batchLines);
    if (errors.length) {
      const text = errors.map((e) => JSON.stringify(e)).join('\n') + '\n';
      await errorsFile.write(text);
      await errorsFile.datasync();
      errorsFileBytes += Buffer.byteLength(text);
    }
    addOutcome(totals, outcome, refused.length);
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
        if (stopRequested())
          throw new Interrupted(
            `Stopped after line ${lineNumber.toLocaleString('en')}, with everything before it imported; run the same command again to go on from there.`,
          );
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
  if (size < keepBytes)
    console.log(`Warning: ${file} is shorter than when the checkpoint was taken; the errors of the lines before the checkpoint are not all in it.`);
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

function printSummary(
  file: string,
  errorsPath: string,
  result: { totals: Totals; ms: number; eventsThisRun: number; linesThisRun: number },
  shown: LineError[],
): void {
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

/** The file's stats, or null (with the reason printed) when it is missing, not a regular file or unreadable. */
async function readableFile(file: string, given: string): Promise<fs.Stats | null> {
  const stat = await fsp.stat(file).catch((error: NodeJS.ErrnoException) => error);
  if (stat instanceof Error) {
    console.error(stat.code === 'ENOENT' ? `No such file: ${given}` : `Cannot read ${given}: ${stat.message}`);
    return null;
  }
  if (!stat.isFile()) {
    console.error(`Not a regular file: ${given}`);
    return null;
  }
  try {
    await fsp.access(file, fs.constants.R_OK);
  } catch (error) {
    console.error(`Cannot read ${given}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  return stat;
}

/** Where the batches go, and how to let go of it at the end. */
interface Target {
  send: SendBatch;
  close: () => Promise<void>;
}

/** The database of the configuration, through the services; or the exit status when it cannot be opened (the reason printed). */
async function databaseTarget(): Promise<Target | number> {
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
  return {
    send: databaseSender(services),
    close: async () => {
      await services.index.whenIdle();
      await services.realtime.stop();
      await opened.close();
    },
  };
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
  const stat = await readableFile(file, args.file);
  if (!stat) return EXIT_USAGE;

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
  let target: Target;
  if (args.api) {
    const api: ApiTarget = { ...args.api, log: (message) => console.log(message), stopRequested: () => stopping };
    target = { send: (events) => sendBatch(api, events), close: async () => undefined };
  } else {
    const opened = await databaseTarget();
    if (typeof opened === 'number') return opened;
    target = opened;
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
