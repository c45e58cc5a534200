import fs from 'node:fs';
import { ApplicantKind, DossierChannel, DossierEventKind } from '../domain/enums';
import { DateTimeScalar } from '../schema/scalars';
import type { ImportEventInput } from '../services/sync-service';

/** Reading an import file: its lines with their exact byte size, and each line as an event or the reason it is none. */

/**
 * An event is a few hundred bytes; a "line" beyond this is a file without newlines or a
 * corrupt one, and buffering it whole is what streaming the file is meant to avoid.
 */
const MAX_LINE_BYTES = 1 << 20;

// --- reading lines with their exact byte size ------------------------------------------------

export interface RawLine {
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
export async function* readLines(file: string, start: number, end: number, firstNumber: number): AsyncGenerator<RawLine> {
  if (end <= start) return;
  let number = firstNumber;
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let overlong = false;
  for await (const chunk of fs.createReadStream(file, { start, end: end - 1, highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, from); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
      const size = pendingSize + nl - from + 1;
      const content =
        overlong || size - 1 > MAX_LINE_BYTES ? null : pending.length ? Buffer.concat([...pending, chunk.subarray(from, nl)]) : chunk.subarray(from, nl);
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
export interface LineError {
  line: number;
  eventId: string | null;
  code: string;
  message: string;
  field: string | null;
}

export type ParsedLine = { kind: 'blank' } | { kind: 'event'; event: ImportEventInput } | { kind: 'refused'; error: Omit<LineError, 'line'> };

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

export function parseLine(content: Buffer | null): ParsedLine {
  const refuse = (message: string, field: string | null = null, eventId: string | null = null): ParsedLine => ({
    kind: 'refused',
    error: { eventId, code: 'BAD_USER_INPUT', message, field },
  });
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
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return refuse(`Line is JSON but not an object (${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}).`);
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
      if (typeof value !== 'string' || !allowed.includes(value))
        return { problem: { field, message: `${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}.` } };
      out[key] = value;
    }
  }
  return { value: out };
}
