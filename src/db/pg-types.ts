import pg from 'pg';
import parseTimestamp from 'postgres-date';

/**
 * The type parsers of every connection (the data source's pool, and the bench's baselines so
 * that they parse rows as the API does): pg's own, except `timestamptz`, read with
 * postgres-date 2, which reads the text character by character where pg-types' postgres-date
 * 1 runs three regular expressions: same results (a Date; Infinity for 'infinity'), about 4×
 * faster. Every row of this API carries several timestamps, hundreds a page (docs/performance.md, P2).
 */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.TIMESTAMPTZ && format !== 'binary'
      ? parseTimestamp
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};
