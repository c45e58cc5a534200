import { DataSource, In, ObjectLiteral } from 'typeorm';
import { entityReader } from '../../src/db/entity-reader';
import { SatisfactionLevel } from '../../src/domain/enums';
import { Agency, Dossier, DossierEvent, ENTITIES, Feedback, IndexMethodGroup, Procedure, SatisfactionRating, ServiceCommitment } from '../../src/entities';
import { startTestApp, TestApp } from '../support/app';
import { createDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

// The loaders and every connection read entities through EntityReader instead of TypeORM's
// find/getMany (issue 8, P2): what they build must be what TypeORM builds, column for column
// (Date for timestamptz, string for bigint and date, parsed jsonb, transformed numerics, null
// for NULL) and of the entity's class, or resolvers would see other values.
let app: TestApp;
let ds: DataSource;

beforeAll(async () => {
  app = await startTestApp();
  ds = app.dataSource;
  const f = await seedFixtures(ds);
  const [dossier] = await createDossiers(ds, { prefix: 'ER', agency: f.tpaJustice, procedure: f.birth, count: 3, extraEvents: 2 });
  // Values of the column types the other rows leave NULL: jsonb, nullable timestamps, enums.
  await ds
    .getRepository(DossierEvent)
    .update({ dossierId: dossier.databaseId }, { reason: 'thiếu giấy tờ', details: { missing: ['CCCD', 'ảnh 4×6'], pages: 2 } as never });
  await ds
    .getRepository(Dossier)
    .update({ databaseId: dossier.databaseId }, { completedAt: new Date('2025-03-05T10:15:00.123+07:00'), applicantPhone: '0901234567' });
  await ds.getRepository(SatisfactionRating).insert({
    dossierId: dossier.databaseId,
    agencyId: f.tpaJustice.databaseId,
    level: SatisfactionLevel.SATISFIED,
    ratedAt: new Date('2025-03-06T08:00:00+07:00'),
  });
  await ds.getRepository(Feedback).insert({
    code: 'PA-ER-1',
    agencyId: f.tpaJustice.databaseId,
    procedureId: null,
    subject: 'Chậm trả kết quả',
    content: 'Quá hẹn hai ngày.',
    senderName: 'Nguyễn Văn A',
    senderContact: null,
    receivedAt: new Date('2025-03-06T09:00:00+07:00'),
    dueAt: new Date('2025-03-20T17:00:00+07:00'),
    answeredAt: null,
    answer: null,
    answeredBy: null,
    satisfaction: null,
  });
});
afterAll(() => app.close());

const primaryProperty = (target: Parameters<DataSource['getMetadata']>[0]) => ds.getMetadata(target).primaryColumns[0].propertyName;

describe('EntityReader builds the entities TypeORM builds', () => {
  // The entities the loaders read, each with rows here.
  const loaded = [Agency, Procedure, Dossier, DossierEvent, Feedback, SatisfactionRating, ServiceCommitment];

  it.each(loaded.map((target) => [target.name, target] as const))('%s, by key (the loaders)', async (_name, target) => {
    const key = primaryProperty(target);
    const expected: ObjectLiteral[] = await ds.getRepository(target).find({ order: { [key]: 'ASC' } });
    expect(expected.length).toBeGreaterThan(0);
    const read = await entityReader(ds, target as new () => ObjectLiteral).whereIn(
      key,
      expected.map((e) => e[key]),
      { [key]: 'ASC' },
    );
    expect(read).toStrictEqual(expected); // strict: the entity's class too, and no extra undefined properties
  });

  it('every other entity too, on whatever rows the migrations and fixtures left', async () => {
    for (const target of ENTITIES.filter((t) => !loaded.includes(t as never))) {
      const key = primaryProperty(target);
      const reader = entityReader(ds, target as new () => ObjectLiteral); // refuses what it cannot read, rows or not
      const expected: ObjectLiteral[] = await ds.getRepository(target).find({ order: { [key]: 'ASC' } });
      if (expected.length === 0) continue;
      const read = await reader.whereIn(
        key,
        expected.map((e) => e[key]),
        { [key]: 'ASC' },
      );
      expect({ entity: target.name, read }).toStrictEqual({ entity: target.name, read: expected });
    }
  });

  it('keys by a text column as find does (agencyByCode, dossierByCode)', async () => {
    const codes = ['TPA-STP', 'TPA', 'NO-SUCH-CODE', 'tpa'];
    expect(await entityReader(ds, Agency).whereIn('code', codes, { code: 'ASC' })).toStrictEqual(
      await ds.getRepository(Agency).find({ where: { code: In(codes) }, order: { code: 'ASC' } }),
    );
    expect(await entityReader(ds, Dossier).whereIn('code', ['ER-2', 'ER-1'], { code: 'ASC' })).toStrictEqual(
      await ds.getRepository(Dossier).find({ where: { code: In(['ER-2', 'ER-1']) }, order: { code: 'ASC' } }),
    );
  });

  it('reads a query builder’s page as getMany does (the pagination helper)', async () => {
    const query = () =>
      ds.getRepository(Dossier).createQueryBuilder('d').where('d.code LIKE :prefix', { prefix: 'ER-%' }).orderBy('d.received_at', 'DESC').limit(2);
    const expected = await query().getMany();
    expect(expected.map((d) => d.code)).toStrictEqual(['ER-3', 'ER-2']);
    expect(await entityReader(ds, Dossier).many(query())).toStrictEqual(expected);
  });

  it('keys the page by any order and count of keys, and answers unknown keys with nothing', async () => {
    const events = entityReader(ds, DossierEvent);
    const all = await ds.getRepository(DossierEvent).find({ order: { occurredAt: 'DESC', databaseId: 'DESC' } });
    const dossierIds = [...new Set(all.map((e) => e.dossierId))];
    expect(await events.whereIn('dossierId', [...dossierIds].reverse(), { occurredAt: 'DESC', databaseId: 'DESC' })).toStrictEqual(all);
    expect(await events.whereIn('dossierId', ['999999999'])).toStrictEqual([]);
  });

  it('refuses a query with joins rather than building half an entity', async () => {
    const joined = ds.getRepository(Dossier).createQueryBuilder('d').leftJoinAndSelect('d.agency', 'a');
    await expect(entityReader(ds, Dossier).many(joined)).rejects.toThrow(/one entity/);
    const relationIds = ds.getRepository(Dossier).createQueryBuilder('d').loadRelationIdAndMap('d.agencyRef', 'd.agency');
    await expect(entityReader(ds, Dossier).many(relationIds)).rejects.toThrow(/one entity/);
  });

  it('refuses to key by a column with a transformer (find would transform the keys)', async () => {
    await expect(entityReader(ds, IndexMethodGroup).whereIn('maxPoints', [10])).rejects.toThrow(/transformer/);
  });
});
