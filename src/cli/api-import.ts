import type { ImportEventInput, ImportOutcome } from '../services/sync-service';

/**
 * Sends one batch of events to a running API's `importDossierEvents`, as an agency system
 * does. The mutation is idempotent on eventId, so a batch whose answer was lost (network error,
 * a proxy's 502/504, a timeout) or that was turned away for a while (429, 503) is simply sent
 * again, after `Retry-After` when the API gives one, else after a growing pause. A refused
 * token (401/403, UNAUTHENTICATED/FORBIDDEN) is final: retrying cannot fix it.
 */

const MUTATION = `mutation Import($events: [DossierEventInput!]!) {
  importDossierEvents(events: $events) { accepted duplicates rejected held dossiersReplayed errors { index eventId code message field } }
}`;

/** Attempts per batch; with the pauses below, about four minutes before giving up. */
const MAX_ATTEMPTS = 10;
const FIRST_PAUSE_MS = 1_000;
const MAX_PAUSE_MS = 60_000;
/** A batch of 5,000 events takes seconds; an answer this late is one that will not come. */
const REQUEST_TIMEOUT_MS = 180_000;

/** The API refused the token: no retry can help. */
export class ApiRefused extends Error {}

export interface ApiTarget {
  url: string;
  token: string;
  /** Where to say that a batch is sent again. */
  log: (message: string) => void;
  /** Lets a pause end early (Ctrl-C): the batch then fails instead of waiting. */
  stopRequested?: () => boolean;
}

type Attempt = { outcome: ImportOutcome } | { retry: string; afterMs?: number };

export async function sendBatch(target: ApiTarget, events: ImportEventInput[]): Promise<ImportOutcome> {
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(target, events);
    if ('outcome' in result) return result.outcome;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`${result.retry} (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})`);
    const backoff = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1));
    const pause = Math.min(MAX_PAUSE_MS, result.afterMs ?? backoff);
    target.log(
      `  ${result.retry}; sending the batch again in ${(pause / 1000).toFixed(pause < 10_000 ? 1 : 0)} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS}) …`,
    );
    for (const until = Date.now() + pause; Date.now() < until && !target.stopRequested?.();)
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, until - Date.now())));
    if (target.stopRequested?.()) throw new Error(`${result.retry}; stopped while waiting to send it again`);
  }
}

async function attemptOnce(target: ApiTarget, events: ImportEventInput[]): Promise<Attempt> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${target.token}` },
      body: JSON.stringify({ query: MUTATION, variables: { events } }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
    return { retry: `No answer from ${target.url}: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}` };
  }
  let body: { data?: { importDossierEvents?: ImportOutcome | null } | null; errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const firstError = body?.errors?.[0];
  const code = firstError?.extensions?.code;
  const said = firstError ? `${code ? `${code}: ` : ''}${firstError.message}` : text.slice(0, 200).trim() || response.statusText;
  if (response.status === 401 || response.status === 403 || code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') {
    throw new ApiRefused(
      `The API at ${target.url} refused the token (HTTP ${response.status}, ${said}). Give a valid OFFICER or ADMIN token with --token or API_TOKEN (npm run token -- --role ADMIN prints one for a development server).`,
    );
  }
  if (
    response.status === 429 ||
    response.status === 503 ||
    response.status === 502 ||
    response.status === 504 ||
    code === 'RATE_LIMITED' ||
    code === 'SERVICE_UNAVAILABLE'
  ) {
    return { retry: `The API answered HTTP ${response.status} (${said})`, afterMs: retryAfterMs(response.headers.get('retry-after')) };
  }
  const outcome = body?.data?.importDossierEvents;
  if (response.ok && outcome && !body?.errors?.length) return { outcome };
  const hint = response.status === 413 ? ' Use a smaller --batch.' : '';
  throw new ApiRefused(`The API at ${target.url} did not take the batch (HTTP ${response.status}, ${said}).${hint}`);
}

/** Retry-After as seconds or as an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
