import { getMetadataArgsStorage } from 'typeorm';
import { quoteIdentifier } from './schema-name.js';

/** A column as its entity declares it: the property, the column's name and its SQL type. */
export interface EntityColumn {
  readonly property: string;
  readonly name: string;
  /** e.g. `text`, `timestamptz`, `text[]`. */
  readonly sqlType: string;
  readonly nullable: boolean;
}

/** The table an entity is stored in. */
export function entityTable(entity: abstract new () => unknown): string {
  const table = getMetadataArgsStorage().tables.find((t) => t.target === entity);
  if (!table?.name) throw new Error(`${entity.name} is not an entity with a table name`);
  return table.name;
}

/**
 * The columns of an entity, in declaration order, from its decorators: the one description of a
 * table's row that the set-based writes and the typed reads are built from.
 */
export function entityColumns(entity: abstract new () => unknown): readonly EntityColumn[] {
  return getMetadataArgsStorage()
    .columns.filter((c) => c.target === entity)
    .map((c) => ({
      property: c.propertyName,
      name: c.options.name ?? c.propertyName,
      sqlType: `${String(c.options.type)}${c.options.array ? '[]' : ''}`,
      nullable: c.options.nullable === true,
    }));
}

/**
 * A select list that returns rows keyed like the entity (`imported_at as "importedAt"`), so that a
 * raw query's rows are typed `Pick<Entity, …>` instead of re-typed by hand.
 */
export function selectColumns<E>(
  entity: abstract new () => E,
  properties: readonly (keyof E & string)[],
  alias?: string,
): string {
  const byProperty = new Map(entityColumns(entity).map((c) => [c.property, c]));
  return properties
    .map((property) => {
      const column = byProperty.get(property);
      if (!column) throw new Error(`${entity.name} has no column for ${property}`);
      return `${alias ? `${alias}.` : ''}${quoteIdentifier(column.name)} as ${quoteIdentifier(property)}`;
    })
    .join(', ');
}

/** A value as it goes to PostgreSQL inside JSON: a time as its ISO string (arrays are only read). */
export type StoredValue<V> = V extends Date ? string : V extends (infer T)[] ? readonly T[] : V;

/** A row as the set-based writes send it (jsonb_to_recordset), keyed like its entity. */
export type StoredRow<E> = { readonly [K in keyof E]: StoredValue<E[K]> };
