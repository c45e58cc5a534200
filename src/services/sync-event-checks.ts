import { ApplicantKind, DossierChannel, DossierEventKind } from '../domain/enums';
import { codePointLength, isUnstorable } from '../domain/text';
import { AGENCY_CODE, DOSSIER_CODE, ID_NUMBER, LOOKUP_SECRET_LENGTH, PHONE, PROCEDURE_CODE } from '../schema/validation';
import { FUTURE_TOLERANCE_MS } from './dossier-service';
import type { ImportEventInput } from './sync-service';

/**
 * The shape of one imported event (step 1 of SyncService.importEvents): every check the
 * database would otherwise fail on, before any reference is looked up.
 */

const EVENT_ID = /^[\x21-\x7e]{1,100}$/;

export type Problem = { field: string; message: string } | null;

/**
 * A lookup secret opens the applicant's personal data to whoever holds it: as long as
 * receiveDossier requires, so that guessing one stays impractical under the rate limits (a
 * 1-character secret took at most a few dozen tries).
 */
function lookupSecretProblem(value: unknown): Problem {
  const { min, max } = LOOKUP_SECRET_LENGTH;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length < min || value.length > max)
    return { field: 'lookupSecret', message: `lookupSecret must be ${min}–${max} characters.` };
  return null;
}

/** An optional string field: absent, or a string of 1..max characters as PostgreSQL counts them (code points). */
function optionalText(value: unknown, field: string, max: number): Problem {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim().length === 0 || (value.length > max && codePointLength(value) > max))
    return { field, message: `${field} must be text of 1–${max} characters.` };
  return null;
}

const TEXT_FIELDS = ['eventId', 'dossierCode', 'procedureCode', 'agencyCode', 'toAgencyCode', 'reason', 'lookupSecret'] as const;
const APPLICANT_TEXT_FIELDS = ['name', 'idNumber', 'phone', 'address'] as const;

/** The first string field, the applicant's included, that PostgreSQL could not store as given. */
function unstorableText(e: ImportEventInput): Problem {
  const problem = (field: string) => ({ field, message: `${field} contains a NUL character or a lone UTF-16 surrogate, which cannot be stored.` });
  for (const field of TEXT_FIELDS) {
    const value = e[field];
    if (typeof value === 'string' && isUnstorable(value)) return problem(field);
  }
  const applicant = e.applicant;
  if (applicant && typeof applicant === 'object') {
    for (const field of APPLICANT_TEXT_FIELDS) {
      const value = applicant[field];
      if (typeof value === 'string' && isUnstorable(value)) return problem(`applicant.${field}`);
    }
  }
  return null;
}

function optionalFlag(value: unknown, field: string): Problem {
  return value === undefined || value === null || typeof value === 'boolean' ? null : { field, message: `${field} must be true or false.` };
}

function requiredText(value: unknown, field: string, max: number, kind: string): Problem {
  if (value === undefined || value === null) return { field, message: `A ${kind} event needs ${field}.` };
  return optionalText(value, field, max);
}

/**
 * Every check the database would otherwise fail on, per event: types, lengths, formats and
 * enums, and what the kind needs. The GraphQL layer checks types too, but the CLI and any
 * other caller come here directly, and one bad value must never fail the whole call.
 */
export function shapeProblem(e: ImportEventInput, now: Date): Problem {
  const unstorable = unstorableText(e);
  if (unstorable) return unstorable;
  if (typeof e.eventId !== 'string' || !EVENT_ID.test(e.eventId))
    return { field: 'eventId', message: 'eventId must be 1–100 printable ASCII characters without spaces.' };
  if (typeof e.dossierCode !== 'string' || !DOSSIER_CODE.test(e.dossierCode))
    return { field: 'dossierCode', message: 'dossierCode must be a dossier code (3–60 letters, digits, ".", "_" or "-").' };
  if (!Object.values(DossierEventKind).includes(e.kind)) return { field: 'kind', message: `Unknown kind ${String(e.kind)}.` };
  if (!(e.occurredAt instanceof Date) || Number.isNaN(e.occurredAt.getTime())) return { field: 'occurredAt', message: 'occurredAt must be a DateTime.' };
  if (e.occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return { field: 'occurredAt', message: 'occurredAt cannot be in the future.' };
  if (e.occurredAt.getUTCFullYear() < 2000) return { field: 'occurredAt', message: 'occurredAt is before 2000.' };
  const common =
    optionalText(e.reason, 'reason', 2000) ??
    optionalFlag(e.electronicResult, 'electronicResult') ??
    // Years of four digits: toISOString writes others as "+275760-…", which PostgreSQL cannot read.
    (e.newAppointmentAt !== undefined &&
    e.newAppointmentAt !== null &&
    (!(e.newAppointmentAt instanceof Date) ||
      Number.isNaN(e.newAppointmentAt.getTime()) ||
      e.newAppointmentAt.getUTCFullYear() < 2000 ||
      e.newAppointmentAt.getUTCFullYear() > 9999)
      ? { field: 'newAppointmentAt', message: 'newAppointmentAt must be a DateTime from the year 2000 to 9999.' }
      : null);
  if (common) return common;
  switch (e.kind) {
    case DossierEventKind.RECEIVED: {
      if (typeof e.procedureCode !== 'string' || !PROCEDURE_CODE.test(e.procedureCode))
        return { field: 'procedureCode', message: 'A RECEIVED event needs procedureCode, a national procedure code such as "1.001193".' };
      if (typeof e.agencyCode !== 'string' || !AGENCY_CODE.test(e.agencyCode))
        return { field: 'agencyCode', message: 'A RECEIVED event needs agencyCode, an agency code such as "HNI-STP".' };
      if (!Object.values(DossierChannel).includes(e.channel as DossierChannel))
        return { field: 'channel', message: `A RECEIVED event needs channel: ${Object.values(DossierChannel).join(', ')}.` };
      const a = e.applicant;
      if (!a || typeof a !== 'object') return { field: 'applicant', message: 'A RECEIVED event needs the applicant (kind, name, idNumber).' };
      if (!Object.values(ApplicantKind).includes(a.kind))
        return { field: 'applicant.kind', message: `applicant.kind must be one of ${Object.values(ApplicantKind).join(', ')}.` };
      const applicant =
        requiredText(a.name, 'applicant.name', 200, 'RECEIVED') ??
        (typeof a.idNumber !== 'string' || !ID_NUMBER.test(a.idNumber)
          ? { field: 'applicant.idNumber', message: 'applicant.idNumber must be a citizen ID or enterprise code (digits).' }
          : null) ??
        (a.phone !== undefined && a.phone !== null && (typeof a.phone !== 'string' || !PHONE.test(a.phone))
          ? { field: 'applicant.phone', message: 'applicant.phone must be a phone number.' }
          : null) ??
        optionalText(a.address, 'applicant.address', 300);
      if (applicant) return applicant;
      return (
        lookupSecretProblem(e.lookupSecret) ??
        optionalFlag(e.digitizedAtReceipt, 'digitizedAtReceipt') ??
        optionalFlag(e.reusedDigitizedData, 'reusedDigitizedData') ??
        optionalFlag(e.feePaidOnline, 'feePaidOnline') ??
        optionalFlag(e.transferredIn, 'transferredIn')
      );
    }
    case DossierEventKind.REJECTED:
      return requiredText(e.reason, 'reason', 2000, 'REJECTED');
    case DossierEventKind.TRANSFERRED:
      return typeof e.toAgencyCode === 'string' && AGENCY_CODE.test(e.toAgencyCode)
        ? null
        : { field: 'toAgencyCode', message: 'A TRANSFERRED event needs toAgencyCode, an agency code.' };
    case DossierEventKind.APOLOGY_ISSUED:
      return e.newAppointmentAt ? null : { field: 'newAppointmentAt', message: 'An APOLOGY_ISSUED event needs newAppointmentAt.' };
    default:
      return null;
  }
}
