import DataLoader from 'dataloader';
import { DataSource, In, ObjectLiteral, Repository } from 'typeorm';
import { Agency, Dossier, DossierEvent, Feedback, Procedure, SatisfactionRating, ServiceCommitment } from '../entities';

/** Batches lookups of one entity by one unique column into a single `WHERE col IN (…)`. */
function uniqueBy<E extends ObjectLiteral, K extends string | number>(repo: Repository<E>, column: keyof E & string) {
  return new DataLoader<K, E | null>(async (keys) => {
    const rows = await repo.find({ where: { [column]: In(keys as K[]) } as never });
    const byKey = new Map(rows.map((row) => [String(row[column]), row]));
    return keys.map((key) => byKey.get(String(key)) ?? null);
  });
}

/** Batches lookups of the rows that share a foreign key, kept in the given order. */
function manyBy<E extends ObjectLiteral, K extends string | number>(repo: Repository<E>, column: keyof E & string, order: Partial<Record<keyof E, 'ASC' | 'DESC'>>) {
  return new DataLoader<K, E[]>(async (keys) => {
    const rows = await repo.find({ where: { [column]: In(keys as K[]) } as never, order: order as never });
    const byKey = new Map<string, E[]>();
    for (const row of rows) {
      const key = String(row[column]);
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
    return keys.map((key) => byKey.get(String(key)) ?? []);
  });
}

/**
 * The one place per-request DataLoaders are built: a page of 100 dossiers with procedure,
 * agency and history costs one statement per loader, whatever the page size. Created per
 * request so a cache never outlives the request that filled it (and never crosses scopes).
 */
export function createLoaders(dataSource: DataSource) {
  const repo = <E extends ObjectLiteral>(entity: new () => E) => dataSource.getRepository(entity);
  return {
    agencyById: uniqueBy<Agency, number>(repo(Agency), 'databaseId'),
    agencyByCode: uniqueBy<Agency, string>(repo(Agency), 'code'),
    procedureById: uniqueBy<Procedure, number>(repo(Procedure), 'databaseId'),
    procedureByCode: uniqueBy<Procedure, string>(repo(Procedure), 'code'),
    dossierById: uniqueBy<Dossier, string>(repo(Dossier), 'databaseId'),
    dossierByCode: uniqueBy<Dossier, string>(repo(Dossier), 'code'),
    dossierEventById: uniqueBy<DossierEvent, string>(repo(DossierEvent), 'databaseId'),
    feedbackById: uniqueBy<Feedback, string>(repo(Feedback), 'databaseId'),
    feedbackByCode: uniqueBy<Feedback, string>(repo(Feedback), 'code'),
    serviceCommitmentById: uniqueBy<ServiceCommitment, number>(repo(ServiceCommitment), 'databaseId'),
    ratingByDossierId: uniqueBy<SatisfactionRating, string>(repo(SatisfactionRating), 'dossierId'),
    eventsByDossierId: manyBy<DossierEvent, string>(repo(DossierEvent), 'dossierId', { occurredAt: 'ASC', databaseId: 'ASC' }),
    commitmentsByAgencyId: manyBy<ServiceCommitment, number>(repo(ServiceCommitment), 'agencyId', { databaseId: 'ASC' }),
    childrenByParentId: manyBy<Agency, number>(repo(Agency), 'parentId', { code: 'ASC' }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
