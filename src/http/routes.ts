import express from 'express';
import { In } from 'typeorm';
import { isDatabaseUnavailable } from '../db/unavailable';
import { DomainError, ErrorCode, RETRY_AFTER_SECONDS } from '../domain/errors';
import { AgencyKind } from '../domain/enums';
import { Agency } from '../entities';
import { AGENCY_CODE } from '../schema/validation';
import { provisionalWarning } from '../services/calendar-service';
import type { Services } from '../services/container';
import { readiness } from '../services/health';
import { CSV_HEADERS, CsvHeader, rankingToCsv } from '../services/index/rankings-csv';
import { rateLimitHttp } from './middleware';

/** Longest a readiness check may take: load balancers probe with a timeout of their own (often 2 s or more). */
const READINESS_TIMEOUT_MS = 1_500;

/** The plain HTTP routes beside GraphQL: the rankings CSV, metrics, liveness and readiness. */
export function plainRoutes(services: Services): express.Router {
  const router = express.Router();
  // The CSV reads (and may compute) a period as the GraphQL rankings do: the same request limit.
  router.get('/rankings.csv', rateLimitHttp(services), rankingsCsvHandler(services));
  router.get('/metrics', async (_req, res) => {
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  // Liveness: the process answers. Readiness: it can serve (database, migrations, Redis).
  router.get('/health/live', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/health/ready', async (_req, res) => {
    const warning = async () => provisionalWarning(await services.calendars.provisionalOutlook(services.clock()));
    const ready = await readiness(services.dataSource, services.realtime.pubsub, Boolean(services.config.redisUrl), READINESS_TIMEOUT_MS, warning);
    res.status(ready.status === 'unavailable' ? 503 : 200).json(ready);
  });
  return router;
}

/** GET /rankings.csv?period=2024-09&kind=PROVINCE[&parentCode=HNI][&header=keys]: a public ranking as CSV. */
function rankingsCsvHandler(services: Services): express.RequestHandler {
  return async (req, res) => {
    const { period, kind, parentCode, header = 'vi' } = req.query as Record<string, unknown>;
    // Query parameters come as strings, arrays or objects (`?period[]=…`): only a string of the
    // expected form reaches the index (a NUL in parentCode was a database error, a 500).
    if (
      typeof period !== 'string' ||
      typeof kind !== 'string' ||
      !Object.values(AgencyKind).includes(kind as AgencyKind) ||
      (parentCode !== undefined && (typeof parentCode !== 'string' || !AGENCY_CODE.test(parentCode))) ||
      typeof header !== 'string' ||
      !CSV_HEADERS.includes(header as CsvHeader)
    ) {
      res.status(400).type('text/plain').send('Query parameters: period (e.g. 2024-09, 2024-Q3, 2024), kind (PROVINCE, MINISTRY, DEPARTMENT, DISTRICT, COMMUNE), parentCode for units inside a province, header (vi: Vietnamese column headers, the default; keys: machine keys).\n');
      return;
    }
    try {
      const cards = await services.index.ranking(period, kind as AgencyKind, parentCode);
      const agencies = await services.dataSource.getRepository(Agency).findBy({ databaseId: In(cards.map((c) => c.agencyId)) });
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('content-disposition', `attachment; filename="rankings-${kind}-${period}${parentCode ? `-${parentCode}` : ''}.csv"`)
        .send(rankingToCsv(cards, new Map(agencies.map((a) => [a.databaseId, a])), header as CsvHeader));
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        res.status(503).setHeader('retry-after', String(RETRY_AFTER_SECONDS)).type('text/plain').send('The database is unavailable; retry shortly.\n');
        return;
      }
      const message = err instanceof DomainError ? err.message : 'Internal server error.';
      const status = !(err instanceof DomainError) ? 500 : err.code === ErrorCode.NOT_FOUND ? 404 : 400;
      res.status(status).type('text/plain').send(`${message}\n`);
    }
  };
}
