import DataLoader from 'dataloader';
import { DataSource, ObjectLiteral } from 'typeorm';
import { Agency, Dossier, DossierEvent, Feedback, Procedure, SatisfactionRating, ServiceCommitment } from '../entities';
import { EntityReader, entityReader } from './entity-reader';

/** Batches lookups of one entity by one unique column into a single `WHERE col = ANY($1)`. */
function uniqueBy<E extends ObjectLiteral, K extends string | number>(reader: EntityReader<E>, column: keyof E & string) {
  return new DataLoader<K, E | null>(async (keys) => {
    const rows = await reader.whereIn(column, keys);
    const byKey = new Map(rows.map((row) => [String(row[column]), row]));
    return keys.map((key) => byKey.get(String(key)) ?? null);
  });
}

/** Batches lookups of the rows that share a foreign key, kept in the given order. */
function manyBy<E extends ObjectLiteral, K extends string | number>(
  reader: EntityReader<E>,
  column: keyof E & string,
  order: Partial<Record<keyof E & string, 'ASC' | 'DESC'>>,
) {
  return new DataLoader<K, E[]>(async (keys) => {
    const rows = await reader.whereIn(column, keys, order);
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
 * Each loader is made on first use: a subscription's context holds none until it needs one,
 * which keeps 10,000 idle subscribers cheap (docs/performance.md, P3).
 */
export function createLoaders(dataSource: DataSource): Loaders {
  return new Loaders(dataSource);
}

export class Loaders {
  private readonly made = new Map<string, unknown>();

  constructor(private readonly dataSource: DataSource) {}

  get agencyById() {
    return this.once('agencyById', () => uniqueBy<Agency, number>(this.reader(Agency), 'databaseId'));
  }
  get agencyByCode() {
    return this.once('agencyByCode', () => uniqueBy<Agency, string>(this.reader(Agency), 'code'));
  }
  get procedureById() {
    return this.once('procedureById', () => uniqueBy<Procedure, number>(this.reader(Procedure), 'databaseId'));
  }
  get procedureByCode() {
    return this.once('procedureByCode', () => uniqueBy<Procedure, string>(this.reader(Procedure), 'code'));
  }
  get dossierById() {
    return this.once('dossierById', () => uniqueBy<Dossier, string>(this.reader(Dossier), 'databaseId'));
  }
  get dossierByCode() {
    return this.once('dossierByCode', () => uniqueBy<Dossier, string>(this.reader(Dossier), 'code'));
  }
  get dossierEventById() {
    return this.once('dossierEventById', () => uniqueBy<DossierEvent, string>(this.reader(DossierEvent), 'databaseId'));
  }
  get feedbackById() {
    return this.once('feedbackById', () => uniqueBy<Feedback, string>(this.reader(Feedback), 'databaseId'));
  }
  get feedbackByCode() {
    return this.once('feedbackByCode', () => uniqueBy<Feedback, string>(this.reader(Feedback), 'code'));
  }
  get serviceCommitmentById() {
    return this.once('serviceCommitmentById', () => uniqueBy<ServiceCommitment, number>(this.reader(ServiceCommitment), 'databaseId'));
  }
  get ratingByDossierId() {
    return this.once('ratingByDossierId', () => uniqueBy<SatisfactionRating, string>(this.reader(SatisfactionRating), 'dossierId'));
  }
  get eventsByDossierId() {
    return this.once('eventsByDossierId', () => manyBy<DossierEvent, string>(this.reader(DossierEvent), 'dossierId', { occurredAt: 'ASC', databaseId: 'ASC' }));
  }
  get commitmentsByAgencyId() {
    return this.once('commitmentsByAgencyId', () => manyBy<ServiceCommitment, number>(this.reader(ServiceCommitment), 'agencyId', { databaseId: 'ASC' }));
  }

  /**
   * A loader for what a service batches itself (e.g. the same page of many agencies'
   * children), one per `name`: the name carries what the keys share (the field's arguments).
   */
  batch<K, V>(name: string, load: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    return this.once(`batch:${name}`, () => new DataLoader<K, V>(load));
  }

  /** Forgets every cached read (after a write of this request: see freshReadsAfterMutations). */
  clear(): void {
    this.made.clear();
  }

  private reader<E extends ObjectLiteral>(entity: new () => E): EntityReader<E> {
    return entityReader(this.dataSource, entity);
  }

  private once<L>(name: string, make: () => L): L {
    let loader = this.made.get(name) as L | undefined;
    if (loader === undefined) this.made.set(name, (loader = make()));
    return loader;
  }
}
