import pg from 'pg';
import { PG_TYPES } from '../../src/db/pg-types';
import { openTestDataSource } from '../support/database';

// The data source reads timestamptz with postgres-date 2 rather than pg's default parser (for
// speed). Every other test goes through it; this one checks the values it could differ on,
// as PostgreSQL writes them, against pg's own parser.
it('reads timestamptz as pg’s default parser does, from PostgreSQL’s own text', async () => {
  const { dataSource, close } = await openTestDataSource({ poolSize: 1 });
  try {
    const values = [
      '2025-04-29 17:00:00+07',
      '2025-04-29 17:00:00.5+07',
      '2025-04-29 17:00:00.123456+07',
      '2025-04-29 17:00:00.999999-05:30',
      '2024-02-29 23:59:59.001+05:45',
      '1990-01-01 00:00:00Z',
      '2100-12-31 23:59:59.9999995+00',
      '0099-06-01 12:00:00+00',
      '0044-03-15 12:00:00+00 BC',
      'infinity',
      '-infinity',
    ];
    const byDefault = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text');
    const ours = PG_TYPES.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (text: string) => unknown;
    expect(ours).not.toBe(byDefault);
    for (const zone of ['UTC', 'Asia/Ho_Chi_Minh', 'America/St_Johns']) {
      await dataSource.query(`SET TIME ZONE '${zone}'`);
      const rows: { text: string; value: Date | number }[] = await dataSource.query(
        `SELECT v::timestamptz::text AS text, v::timestamptz AS value FROM unnest($1::text[]) AS v`,
        [values],
      );
      for (const row of rows) {
        const expected = byDefault(row.text) as Date | number;
        expect({ zone, text: row.text, value: Number(row.value) }).toEqual({ zone, text: row.text, value: Number(expected) });
        expect({ zone, text: row.text, parsed: Number(ours(row.text)) }).toEqual({ zone, text: row.text, parsed: Number(expected) });
      }
    }
  } finally {
    await dataSource.query('RESET TIME ZONE').catch(() => undefined);
    await close();
  }
});
