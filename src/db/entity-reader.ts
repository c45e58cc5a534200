import { DataSource, EntityMetadata, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { DriverUtils } from 'typeorm/driver/DriverUtils';

/**
 * Entities built from rows the way TypeORM's `find` and `getMany` build them (the same
 * columns, hydrated by the driver's `prepareHydratedValue` and set by `setEntityValue`), without
 * their per-call work: `find` builds its SQL anew from the options on every call, and the
 * result transformer walks joins, relation ids and counts this API never selects: a fifth of
 * a page of 100 dossiers (docs/performance.md, P2). Statements still go through the data source's query runner, so they
 * are counted and logged as every other statement.
 */
export class EntityReader<E extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;
  private readonly columns: ColumnMetadata[];
  private readonly statements = new Map<string, string>();
  private readonly hydrators = new Map<string, (row: Record<string, unknown>) => E>();

  constructor(
    private readonly dataSource: DataSource,
    target: new () => E,
  ) {
    this.metadata = dataSource.getMetadata(target);
    // What find would do and this reader does not: loud, should an entity ever gain one.
    const m = this.metadata;
    const unhandled = m.columns.some((c) => !c.isSelect || c.isVirtualProperty);
    if (unhandled || m.eagerRelations.length || m.deleteDateColumn || m.embeddeds.length || m.inheritancePattern || m.childEntityMetadatas.length) {
      throw new Error(
        `EntityReader cannot read ${m.name}: it has unselected or virtual columns, eager relations, soft deletion, embedded columns or inheritance, which find handles`,
      );
    }
    // As TypeORM's transformer: every stored column.
    this.columns = this.metadata.columns.filter((column) => !column.isVirtual);
  }

  /**
   * The entities whose `property` is one of `keys`, in `order` (else the database's): one
   * statement whose text does not change with the number of keys (`= ANY($1)`).
   */
  async whereIn(property: keyof E & string, keys: readonly unknown[], order: Partial<Record<keyof E & string, 'ASC' | 'DESC'>> = {}): Promise<E[]> {
    const statementKey = `${property}\u0000${JSON.stringify(order)}`;
    let sql = this.statements.get(statementKey);
    if (sql === undefined) {
      const orderBy = Object.entries(order).map(([name, direction]) => `${this.quotedColumn(name)} ${direction}`);
      sql = `SELECT ${this.columns.map((c) => this.quote(c.databaseName)).join(', ')} FROM ${this.metadata.tablePath
        .split('.')
        .map((part) => this.quote(part))
        .join('.')} WHERE ${this.quotedColumn(property)} = ANY($1)${orderBy.length ? ` ORDER BY ${orderBy.join(', ')}` : ''}`;
      this.statements.set(statementKey, sql);
    }
    const rows: Record<string, unknown>[] = await this.dataSource.query(sql, [keys]);
    return rows.map((row) => this.fromRow(row, null));
  }

  /** `getMany` of a query builder that selects this entity's columns under its main alias, and no joins. */
  async many(query: SelectQueryBuilder<E>): Promise<E[]> {
    const map = query.expressionMap;
    if (map.joinAttributes.length || map.relationIdAttributes.length || map.relationCountAttributes.length) {
      throw new Error('EntityReader.many reads one entity: join in a subquery instead');
    }
    const alias = query.alias;
    return (await query.getRawMany<Record<string, unknown>>()).map((row) => this.fromRow(row, alias));
  }

  /**
   * The entities of a hand-written statement over `many`'s query (its columns under the main
   * alias), each with its row for what the statement adds (e.g. a position).
   */
  async manyFromSql<Extra extends Record<string, unknown>>(sql: string, parameters: unknown[], alias: string): Promise<{ entity: E; row: Extra }[]> {
    const rows: Extra[] = await this.dataSource.query(sql, parameters);
    return rows.map((row) => ({ entity: this.fromRow(row, alias), row }));
  }

  private fromRow(row: Record<string, unknown>, alias: string | null): E {
    return this.hydrator(alias)(row);
  }

  /**
   * The row-to-entity function for one alias, compiled once: what `create` and, per column,
   * `prepareHydratedValue` and `setEntityValue` do, with the property names written into the
   * code. The generic loop stored through a property name held in a variable, which V8
   * cannot cache, and asked the driver to convert columns it returns unchanged
   * (docs/performance.md, P2).
   */
  private hydrator(alias: string | null): (row: Record<string, unknown>) => E {
    const name = alias ?? '';
    let hydrate = this.hydrators.get(name);
    if (!hydrate) {
      const keyed = this.keyed(alias);
      const lines = keyed.map(([key, column], i) => {
        const value = unchangedByDriver(column) ? 'v' : `prepare(v, columns[${i}])`;
        return `v = row[${JSON.stringify(key)}]; if (v !== undefined) entity[${JSON.stringify(column.propertyName)}] = ${value};`;
      });
      const body = `return function hydrate(row) { const entity = create(); let v; ${lines.join(' ')} return entity; };`;
      const driver = this.dataSource.driver;
      const metadata = this.metadata;
      hydrate = new Function('create', 'prepare', 'columns', body)(
        () => metadata.create(undefined, { fromDeserializer: true }),
        (value: unknown, column: ColumnMetadata) => driver.prepareHydratedValue(value, column),
        keyed.map(([, column]) => column),
      ) as (row: Record<string, unknown>) => E;
      this.hydrators.set(name, hydrate);
    }
    return hydrate;
  }

  /** Each column with its key in a row: its own name, or TypeORM's `alias_column` (hashed past 63 characters). */
  private keyed(alias: string | null): [string, ColumnMetadata][] {
    return this.columns.map((column) => [
      alias === null ? column.databaseName : DriverUtils.buildAlias(this.dataSource.driver, undefined, alias, column.databaseName),
      column,
    ]);
  }

  private quotedColumn(property: string): string {
    const column = this.metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${this.metadata.name} has no column for "${property}"`);
    // find would pass keys through the column's transformer; keys go to SQL as they are here.
    if (column.transformer) throw new Error(`EntityReader cannot key ${this.metadata.name} by "${property}": it has a transformer`);
    return this.quote(column.databaseName);
  }

  private quote(name: string): string {
    return this.dataSource.driver.escape(name);
  }
}

/**
 * Column types the PostgreSQL driver's `prepareHydratedValue` hands back as pg parsed them
 * (it converts Boolean/Number/Date-typed, date, time, array-like and transformed columns,
 * and enums with numeric members); anything not listed here still goes through it.
 */
const TYPES_UNCHANGED_BY_DRIVER = new Set<unknown>([
  'varchar',
  'character varying',
  'text',
  'int',
  'integer',
  'int4',
  'smallint',
  'bigint',
  'int8',
  'boolean',
  'bool',
  'jsonb',
  'json',
  'uuid',
]);

function unchangedByDriver(column: ColumnMetadata): boolean {
  if (column.transformer || column.isArray || column.embeddedMetadata) return false;
  if (column.type === 'enum') return !(column.enum ?? []).some((member) => typeof member === 'number');
  return TYPES_UNCHANGED_BY_DRIVER.has(column.type);
}

/** One reader per entity and data source: their statements and column lists are built once. */
const readers = new WeakMap<DataSource, Map<abstract new () => unknown, unknown>>();

export function entityReader<E extends ObjectLiteral>(dataSource: DataSource, target: new () => E): EntityReader<E> {
  let byEntity = readers.get(dataSource);
  if (!byEntity) readers.set(dataSource, (byEntity = new Map()));
  let reader = byEntity.get(target) as EntityReader<E> | undefined;
  if (!reader) byEntity.set(target, (reader = new EntityReader(dataSource, target)));
  return reader;
}
