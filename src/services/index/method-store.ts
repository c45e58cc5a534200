import { DataSource, EntityManager } from 'typeorm';
import { IndexMethod } from '../../domain/scoring/method';
import { SI_2024 } from '../../domain/methods/si-2024';
import { IndexMethod as IndexMethodRow, IndexMethodCriterion, IndexMethodGroup, IndexPeriod } from '../../entities';

export const DEFAULT_METHOD_KEY = SI_2024.key;

/** Writes a method definition into the method tables (idempotent): the method is data. */
export async function seedIndexMethod(em: EntityManager, method: IndexMethod = SI_2024): Promise<void> {
  await em.createQueryBuilder().insert().into(IndexMethodRow).values({ key: method.key, name: method.name }).orIgnore().execute();
  await em
    .createQueryBuilder()
    .insert()
    .into(IndexMethodGroup)
    .values(method.groups.map((g, i) => ({ methodKey: method.key, key: g.key, name: g.name, maxPoints: g.maxPoints, position: i })))
    .orIgnore()
    .execute();
  await em
    .createQueryBuilder()
    .insert()
    .into(IndexMethodCriterion)
    .values(
      method.groups.flatMap((g) =>
        g.criteria.map((c, i) => ({
          methodKey: method.key,
          key: c.key,
          groupKey: g.key,
          name: c.name,
          maxPoints: c.maxPoints,
          numeratorCounter: c.numerator,
          denominatorCounter: c.denominator,
          position: i,
        })),
      ),
    )
    .orIgnore()
    .execute();
}

/**
 * The methods as stored, and which one scores each period (docs/INDEX_METHOD.md: "the method is
 * data"). Both are kept once read: a method is written once and a period's method never changes.
 */
export class MethodStore {
  /** Methods read once: a method is written once (seedIndexMethod never changes one) and read by every update. */
  private readonly methods = new Map<string, IndexMethod>();
  private readonly periodMethods = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * The key of the method a period is scored with, without computing the period: set at its
   * first computation and never changed after (a recompute keeps it), so kept once read. A
   * period not computed yet will be scored with the default method (recompute), so that is kept too.
   */
  async methodKeyOf(periodKey: string): Promise<string> {
    const known = this.periodMethods.get(periodKey);
    if (known) return known;
    const row = await this.dataSource.getRepository(IndexPeriod).findOne({ where: { period: periodKey }, select: { period: true, methodKey: true } });
    const key = row?.methodKey ?? DEFAULT_METHOD_KEY;
    this.periodMethods.set(periodKey, key);
    return key;
  }

  /** The method as stored; inside a transaction pass its manager, never take a second connection. */
  async method(key: string, em: EntityManager = this.dataSource.manager): Promise<IndexMethod> {
    const known = this.methods.get(key);
    if (known) return known;
    const method = await this.readMethod(key, em);
    this.methods.set(key, method);
    return method;
  }

  private async readMethod(key: string, em: EntityManager): Promise<IndexMethod> {
    const row = await em.findOneBy(IndexMethodRow, { key });
    if (!row) throw new Error(`Index method ${key} is not defined`);
    const groups = await em.find(IndexMethodGroup, { where: { methodKey: key }, order: { position: 'ASC' } });
    const criteria = await em.find(IndexMethodCriterion, { where: { methodKey: key }, order: { position: 'ASC' } });
    return {
      key,
      name: row.name,
      groups: groups.map((g) => ({
        key: g.key,
        name: g.name,
        maxPoints: g.maxPoints,
        criteria: criteria
          .filter((c) => c.groupKey === g.key)
          .map((c) => ({
            key: c.key,
            name: c.name,
            maxPoints: c.maxPoints,
            numerator: c.numeratorCounter as never,
            denominator: c.denominatorCounter as never,
          })),
      })),
    };
  }
}
