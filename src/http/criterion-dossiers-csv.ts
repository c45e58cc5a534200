import express from 'express';
import { requireViewer } from '../auth/access';
import { paginate } from '../db/paginate';
import { Dossier } from '../entities';
import { timelinessOf } from '../services/dossier-service';
import type { Services } from '../services/container';
import { criterionDossierQuery, CriterionDossierSide } from '../services/index/criterion-dossiers';
import { CSV_HEADERS, csvCell, CsvHeader, UTF8_BOM } from '../services/index/rankings-csv';
import { createRequestContext } from '../schema/context';
import { formatVietnamTime } from '../schema/scalars';
import { AGENCY_CODE, PERIOD } from '../schema/validation';
import { sendCsv, sendCsvFailure, sendCsvUsage } from './csv-responses';

/** Rows read per statement while writing the file (the list pages through the same keyset). */
const BATCH = 1000;
const CRITERION = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

/** Machine key and Vietnamese header of each column. No applicant data: the file travels. */
const COLUMNS: [string, string][] = [
  ['code', 'Mã hồ sơ'],
  ['agency_code', 'Mã cơ quan'],
  ['agency_name', 'Cơ quan tiếp nhận'],
  ['procedure_code', 'Mã thủ tục'],
  ['procedure_name', 'Tên thủ tục'],
  ['status', 'Trạng thái'],
  ['channel', 'Kênh nộp'],
  ['received_at', 'Ngày tiếp nhận'],
  ['due_at', 'Hạn giải quyết'],
  ['completed_at', 'Ngày hoàn thành'],
  ['timeliness', 'Tiến độ'],
];

/**
 * GET /scorecards/:agencyCode/:period/criteria/:criterion/dossiers.csv?side=SHORTFALL[&header=keys]
 * with a bearer token: every dossier of `criterionDossiers` (no filter), in its order, for a
 * leader to hand to the units. Same scope and errors as the query (401, 403, 404, 400).
 */
export function criterionDossiersCsvHandler(services: Services): express.RequestHandler {
  return async (req, res) => {
    const { agencyCode, period, criterion } = req.params as Record<string, string>;
    const { side = CriterionDossierSide.SHORTFALL, header = 'vi' } = req.query as Record<string, unknown>;
    if (
      !AGENCY_CODE.test(agencyCode) ||
      !PERIOD.test(period) ||
      !CRITERION.test(criterion) ||
      typeof side !== 'string' ||
      !Object.values(CriterionDossierSide).includes(side as CriterionDossierSide) ||
      typeof header !== 'string' ||
      !CSV_HEADERS.includes(header as CsvHeader)
    ) {
      sendCsvUsage(
        res,
        'Path: /scorecards/{agencyCode}/{period}/criteria/{criterion}/dossiers.csv; query parameters: side (SHORTFALL, the default; NUMERATOR; DENOMINATOR), header (vi: Vietnamese column headers, the default; keys: machine keys).',
      );
      return;
    }
    try {
      const ctx = await createRequestContext(services, req.headers.authorization, req.ip);
      const viewer = requireViewer(ctx.viewer);
      const { qb, keys } = await criterionDossierQuery(
        services,
        viewer,
        { agencyCode, period, criterion, side: side as CriterionDossierSide, filter: {} },
        ctx.now,
      );
      const lines = [(header === 'keys' ? COLUMNS.map(([key]) => key) : COLUMNS.map(([, vi]) => vi)).map((v) => csvCell(v ?? null)).join(',')];
      let after: string | undefined;
      for (;;) {
        const page = await paginate(qb, { first: BATCH, after }, keys);
        const [agencies, procedures] = await Promise.all([
          ctx.loaders.agencyById.loadMany(page.nodes.map((d) => d.agencyId)),
          ctx.loaders.procedureById.loadMany(page.nodes.map((d) => d.procedureId)),
        ]);
        page.nodes.forEach((d: Dossier, i) => {
          const agency = agencies[i] instanceof Error ? null : agencies[i];
          const procedure = procedures[i] instanceof Error ? null : procedures[i];
          lines.push(
            [
              d.code,
              agency?.code,
              agency?.name,
              procedure?.code,
              procedure?.name,
              d.status,
              d.channel,
              formatVietnamTime(d.receivedAt),
              formatVietnamTime(d.dueAt),
              d.completedAt ? formatVietnamTime(d.completedAt) : null,
              timelinessOf(d, ctx.now),
            ]
              .map((v) => csvCell(v ?? null))
              .join(','),
          );
        });
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor!;
      }
      // A leader's list of applicants' dossiers: no cache may keep it.
      res.setHeader('cache-control', 'no-store');
      sendCsv(res, `${agencyCode}-${period}-${criterion}-${side}.csv`, `${UTF8_BOM}${lines.join('\r\n')}\r\n`);
    } catch (err) {
      sendCsvFailure(res, err);
    }
  };
}
