import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { serializeError } from '../src/log';
import { createTestDatabase } from './support/database';
import { createDataSource } from '../ormconfig';

describe('logged errors', () => {
  it('keep the SQL and the message of a failed statement, never the row values (parameters, failing row)', async () => {
    const database = await createTestDatabase();
    const dataSource = createDataSource(database.url, { poolSize: 1 });
    await dataSource.initialize();
    let failure: unknown;
    try {
      // A real failure: NOT NULL violated, PostgreSQL's detail lists the failing row.
      await dataSource.query(`CREATE TEMP TABLE person (name text, id_number text NOT NULL)`);
      await dataSource.query(`INSERT INTO person (name, id_number) VALUES ($1, $2)`, ['Nguyễn Văn An', null]);
    } catch (err) {
      failure = err;
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(JSON.stringify(pino.stdSerializers.err(failure as Error))).toContain('Nguyễn Văn An'); // what pino's own serializer writes
    const logged = JSON.stringify(serializeError(failure));
    expect(logged).toContain('INSERT INTO person');
    expect(logged).toContain('violates not-null constraint');
    expect(logged).not.toContain('Nguyễn Văn An');
  });
});
