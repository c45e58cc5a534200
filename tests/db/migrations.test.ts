import { openTestDataSource } from '../support/database';

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
