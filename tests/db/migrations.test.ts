import { openTestDataSource } from '../support/database';
import { CalendarYear1796678371621 } from '../../migrations/1796678371621-CalendarYear';

// Migrations are generated from the entities and committed (never edited after landing). An
// entity changed without its migration passes every other test as far as their queries reach,
// and leaves deployed databases other than what the code declares.
it('the committed migrations build exactly the schema the entities declare', async () => {
  const { dataSource, close } = await openTestDataSource({ poolSize: 1 });
  try {
    // What `npm run migration:generate` would write: nothing.
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query.replace(/\s+/g, ' ').trim())).toEqual([]);
  } finally {
    await close();
  }
});

it('CalendarYear keeps an upgraded database’s years as they were: every year with calendar entries counts as official', async () => {
  const { dataSource, close } = await openTestDataSource({ poolSize: 1 });
  const runner = dataSource.createQueryRunner();
  try {
    // The database as the migration finds it: entries for the seed's years and one an admin added.
    await new CalendarYear1796678371621().down(runner);
    await runner.query(`INSERT INTO calendar_day (date, kind, name) VALUES ('2031-01-23', 'DAY_OFF', 'Tet')`);
    await new CalendarYear1796678371621().up(runner);
    expect(await runner.query('SELECT year, source FROM calendar_year ORDER BY year')).toEqual(
      [2024, 2025, 2026, 2031].map((year) => ({ year, source: 'calendar entries present at upgrade' })),
    );
  } finally {
    await runner.release();
    await close();
  }
});
