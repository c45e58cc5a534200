import express from 'express';
import { In } from 'typeorm';
import { unknownAgency } from '../domain/errors';
import { AgencyKind } from '../domain/enums';
import { Agency } from '../entities';
import { AGENCY_CODE } from '../schema/validation';
import { provisionalWarning } from '../services/calendar-service';
import type { Services } from '../services/container';
import { readiness } from '../services/health';
import { delaysToCsv } from '../services/index/delays-csv';
import { CSV_HEADERS, CsvHeader, rankingToCsv } from '../services/index/rankings-csv';
import { criterionDossiersCsvHandler } from './criterion-dossiers-csv';
import { sendCsv, sendCsvFailure, sendCsvUsage } from './csv-responses';
import { rateLimitHttp } from './middleware';

/** Longest a readiness check may take: load balancers probe with a timeout of their own (often 2 s or more). */
const READINESS_TIMEOUT_MS = 1_500;

/** The plain HTTP routes beside GraphQL: the rankings, delays and criterion dossiers CSVs, metrics, liveness and readiness. */
export function plainRoutes(services: Services): express.Router {
  const router = express.Router();
  // The CSV reads (and may compute) a period as the GraphQL rankings do: the same request limit.
  router.get('/rankings.csv', rateLimitHttp(services), rankingsCsvHandler(services));
  router.get('/delays.csv', rateLimitHttp(services), delaysCsvHandler(services));
  router.get('/scorecards/:agencyCode/:period/criteria/:criterion/dossiers.csv', rateLimitHttp(services), criterionDossiersCsvHandler(services));
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
      sendCsvUsage(
        res,
        'Query parameters: period (e.g. 2024-09, 2024-Q3, 2024), kind (PROVINCE, MINISTRY, DEPARTMENT, DISTRICT, COMMUNE), parentCode for units inside a province, header (vi: Vietnamese column headers, the default; keys: machine keys).',
      );
      return;
    }
    try {
      const cards = await services.index.ranking(period, kind as AgencyKind, parentCode);
      const agencies = await services.dataSource.getRepository(Agency).findBy({ databaseId: In(cards.map((c) => c.agencyId)) });
      const fileName = `rankings-${kind}-${period}${parentCode ? `-${parentCode}` : ''}.csv`;
      sendCsv(res, fileName, rankingToCsv(cards, new Map(agencies.map((a) => [a.databaseId, a])), header as CsvHeader));
    } catch (err) {
      sendCsvFailure(res, err);
    }
  };
}

/** GET /delays.csv?agency=HNI&period=2025-12[&header=keys]: Directive 15's public list of a month as CSV, the rows of `delayList`. */
function delaysCsvHandler(services: Services): express.RequestHandler {
  return async (req, res) => {
    const { agency: code, period, header = 'vi' } = req.query as Record<string, unknown>;
    // Strings of the expected form only (`?agency[]=…` arrives as an array; a NUL was a database error).
    if (
      typeof code !== 'string' ||
      !AGENCY_CODE.test(code) ||
      typeof period !== 'string' ||
      typeof header !== 'string' ||
      !CSV_HEADERS.includes(header as CsvHeader)
    ) {
      sendCsvUsage(
        res,
        'Query parameters: agency (an agency code, e.g. HNI), period (e.g. 2025-12; also 2025-Q4, 2025), header (vi: Vietnamese column headers, the default; keys: machine keys).',
      );
      return;
    }
    try {
      const agency = await services.dataSource.getRepository(Agency).findOneBy({ code });
      if (!agency) throw unknownAgency('agency', code);
      const rows = await services.delayReports.byUnit(agency.databaseId, period);
      const units = new Map(
        (await services.dataSource.getRepository(Agency).findBy({ databaseId: In(rows.map((r) => r.unitId)) })).map((a) => [a.databaseId, a]),
      );
      sendCsv(
        res,
        `delays-${code}-${period}.csv`,
        delaysToCsv(
          rows.map((r) => ({ ...r, unit: units.get(r.unitId) ?? { code: '', name: '' } })),
          period,
          header as CsvHeader,
        ),
      );
    } catch (err) {
      sendCsvFailure(res, err);
    }
  };
}
