import { DossierEventKind } from './enums';

/**
 * Who owns an event id pushed through sync, and when a repeat of one is the same event.
 *
 * Agency systems number their events independently, so two systems may well use the same id
 * for different events: an id is unique only within its id space. The id space is the agency
 * the event's dossier code names (every event of "G22.HUE.25-000999" is in HUE's space, however
 * and by whom it is imported, so a provincial token and a department's token pushing the same
 * file store it once), and for a free-form code naming no agency, the agency of the importing
 * token (an ADMIN token's own agency; the import CLI's is "ADMIN").
 */
export function eventIdSpace(namedAgencyCode: string | null, importerAgencyCode: string): string {
  return namedAgencyCode ?? importerAgencyCode;
}

/** What an event says: a repeat of its id must say the same to be a retry. */
export interface EventContent<P extends object> {
  kind: DossierEventKind;
  dossierCode: string;
  occurredAt: Date;
  /** The event's payload as stored: flat, strings, booleans and nulls. */
  payload: P;
}

/**
 * Whether `repeat` is the event already stored as `stored`: the same kind, dossier, instant
 * and payload. The lookup secret counts only when the repeat sends one: a receipt sent without
 * one was given a random one, which the retry cannot repeat (receiveDossier's retry check
 * treats the secret the same way). An absent field and a null one are the same.
 */
export function sameEventContent<P extends object>(stored: EventContent<P>, repeat: EventContent<P>, repeatSentSecret: boolean): boolean {
  if (stored.kind !== repeat.kind || stored.dossierCode !== repeat.dossierCode || stored.occurredAt.getTime() !== repeat.occurredAt.getTime()) return false;
  const a = stored.payload as Record<string, unknown>;
  const b = repeat.payload as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === 'lookupSecretHash' && !repeatSentSecret) continue;
    if ((a[key] ?? null) !== (b[key] ?? null)) return false;
  }
  return true;
}
