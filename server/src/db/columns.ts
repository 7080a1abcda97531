/**
 * Batched writes over `unnest`: one list of columns gives a statement its column names, its
 * `unnest($n::type[], …)` parameters and their values, so no parameter position is counted by
 * hand. A statement that combines several lists starts each at the position the previous ends
 * (`first + columns.length`).
 */
export interface Column<Row> {
  readonly name: string;
  /** The PostgreSQL type of one value (the parameter is an array of it). */
  readonly type: string;
  value(row: Row): unknown;
}

/** `a, b, c`, optionally each prefixed with `alias.`. */
export function columnNames(columns: readonly Column<never>[], alias?: string): string {
  return columns.map((column) => (alias ? `${alias}.${column.name}` : column.name)).join(', ');
}

/** `unnest($first::type[], …) [with ordinality] as alias(a, b, …[, ord])`. */
export function unnestSql(columns: readonly Column<never>[], first: number, alias: string, options: { ordinality?: boolean } = {}): string {
  const params = columns.map((column, index) => `$${first + index}::${column.type}[]`).join(', ');
  const names = columns.map((column) => column.name);
  if (options.ordinality) names.push('ord');
  return `unnest(${params})${options.ordinality ? ' with ordinality' : ''} as ${alias}(${names.join(', ')})`;
}

/** The parameters of `unnestSql`: one array per column, one element per row. */
export function unnestValues<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): unknown[][] {
  return columns.map((column) => rows.map((row) => column.value(row)));
}
