import fsp from 'node:fs/promises';

/** Where an import stands, kept next to its file so an interrupted run goes on from there. */

export const CHECKPOINT_VERSION = 1;

// --- checkpoint ------------------------------------------------------------------------------

export interface Totals {
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

export const zeroTotals = (): Totals => ({
  lines: 0,
  blank: 0,
  events: 0,
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  refusedLines: 0,
  held: 0,
  dossiersReplayed: 0,
});

export interface Checkpoint {
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

export async function readCheckpoint(file: string): Promise<{ checkpoint: Checkpoint } | { unusable: string } | null> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const checkpoint = JSON.parse(text) as Checkpoint;
    if (checkpoint.version !== CHECKPOINT_VERSION || typeof checkpoint.byteOffset !== 'number' || !checkpoint.totals)
      return { unusable: 'written by another version' };
    return { checkpoint };
  } catch {
    return { unusable: 'unreadable' };
  }
}

/**
 * Temp file, fsync, rename: a crash at any point leaves either the previous checkpoint or the
 * new one, never a torn file that would make the next run start over or, worse, mid-line.
 */
export async function writeCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
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
