import express from 'express';
import { isDatabaseUnavailable } from '../db/unavailable';
import { DomainError, ErrorCode, RETRY_AFTER_SECONDS } from '../domain/errors';

/** A CSV download: 200 with its file name (the body carries its own byte order mark). */
export function sendCsv(res: express.Response, fileName: string, body: string): void {
  res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="${fileName}"`).send(body);
}

/** A CSV request whose path or query parameters are not of the expected form: 400 with how to ask. */
export function sendCsvUsage(res: express.Response, usage: string): void {
  res.status(400).type('text/plain').send(`${usage}\n`);
}

/** The HTTP status of a refused CSV request, by the code the same refusal carries in GraphQL. */
const HTTP_STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
};

/**
 * A CSV download that failed, as plain text: 503 when the database is away, 401/403/404 as the
 * GraphQL code says, 400 for other refused input, 500 for anything unexpected (its message hidden).
 */
export function sendCsvFailure(res: express.Response, err: unknown): void {
  if (isDatabaseUnavailable(err)) {
    res.status(503).setHeader('retry-after', String(RETRY_AFTER_SECONDS)).type('text/plain').send('The database is unavailable; retry shortly.\n');
    return;
  }
  if (!(err instanceof DomainError)) {
    res.status(500).type('text/plain').send('Internal server error.\n');
    return;
  }
  res
    .status(HTTP_STATUS[err.code] ?? 400)
    .type('text/plain')
    .send(`${err.message}\n`);
}
