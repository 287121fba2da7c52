import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import { compiledQueryOwnerOf, type Db } from './database.js';

/**
 * Kysely builds a query as a tree of frozen nodes and compiles it to SQL on every call: ~4 µs for a short
 * select, more for an insert, about a tenth of a renewal's time at ~30 statements each. A reusable query
 * is built and compiled once per connection (an openDatabase SQLite connection and its transactions share
 * one, as do a PostgreSQL handle and the transactions inTransaction opens on it; any other db handle has its own) and value shape, with stand-ins for its values, then run with each
 * call's values in their places: the same SQL text and parameters in the same order, on the handle given.
 * Everything that varies between calls must be one of the values: the query is built with the first's.
 *
 * `build` must use each value as a plain value: a scalar (a `where` operand), or a row or list of rows of
 * scalars (`values`, `set`); undefined fields are left out, as Kysely does. A value that is used twice, not
 * at all, inside an `in` list or as an expression makes a shape that cannot be reused: it is then built
 * and compiled on every call, as without this helper.
 */
export function reusableQuery<V extends readonly unknown[], R>(
  build: (db: Db, ...values: V) => Compilable<R>,
): (db: Db, ...values: V) => Promise<QueryResult<R>> {
  const compiled = new WeakMap<object, Array<Entry<R>>>();
  return (db, ...values) => {
    // The SQL depends only on the dialect: one connection's (or pool's) transactions compile it as the root db does.
    const owner = compiledQueryOwnerOf(db);
    let entries = compiled.get(owner);
    if (!entries) {
      entries = [];
      compiled.set(owner, entries);
    }
    let entry = entries.find((candidate) => fits(candidate.shape, values));
    if (entry === undefined) {
      const shape = shapeOf(values);
      if (shape === null) return db.executeQuery(build(db, ...values));
      entry = { shape, reusable: compileOnce(db, build, values) };
      entries.push(entry);
    }
    if (entry.reusable === null) return db.executeQuery(build(db, ...values));
    const { query, slots } = entry.reusable;
    const parameters = slots.map((slot, i) => (slot === null ? query.parameters[i] : valueAt(values, slot)));
    return db.executeQuery<R>({ sql: query.sql, query: query.query, queryId: query.queryId, parameters });
  };
}

/** Where a parameter comes from: the index of the value, and within a row (list) the row and field. */
interface Slot {
  value: number;
  row?: number | undefined;
  field?: string | undefined;
}

/**
 * The values' shape, checked value by value without building a key (a shape string built and hashed on
 * every call cost ~1.5 µs, as much as the rest of a call here): per value, a scalar, or a row or a list of
 * rows with these defined fields in this order. A query has a few shapes; a call tries them in turn.
 */
type ValueShape = typeof SCALAR | { list: boolean; rows: string[][] };

const SCALAR = 'scalar';

interface Entry<R> {
  shape: ValueShape[];
  /** Null when the shape cannot be reused (see compileOnce): such calls build the query each time. */
  reusable: Reusable<R> | null;
}

interface Reusable<R> {
  query: CompiledQuery<R>;
  /** Per parameter: where its value comes from, or null for a constant of the query itself. */
  slots: Array<Slot | null>;
}

class StandIn {
  constructor(readonly slot: Slot) {}
}

type Scalar = string | number | bigint | boolean | null;

function isScalar(value: unknown): value is Scalar {
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'bigint' || type === 'boolean';
}

function isRow(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function definedKeys(row: Record<string, unknown>): string[] {
  return Object.keys(row).filter((key) => row[key] !== undefined);
}

/** The row's defined fields, or null when one of them is not a scalar. */
function rowShape(row: Record<string, unknown>): string[] | null {
  const fields: string[] = [];
  for (const key in row) {
    const value = row[key];
    if (value === undefined) continue;
    if (!isScalar(value)) return null;
    fields.push(key);
  }
  return fields;
}

/** The values' shape (which are scalars, rows with which fields, lists of how many rows), or null when one is none of these. */
function shapeOf(values: readonly unknown[]): ValueShape[] | null {
  const shape: ValueShape[] = [];
  for (const value of values) {
    if (isScalar(value)) {
      shape.push(SCALAR);
      continue;
    }
    const list = Array.isArray(value);
    const rows = list ? (value as unknown[]) : [value];
    if (rows.length === 0) return null;
    const fields: string[][] = [];
    for (const row of rows) {
      const defined = isRow(row) ? rowShape(row) : null;
      if (defined === null) return null;
      fields.push(defined);
    }
    shape.push({ list, rows: fields });
  }
  return shape;
}

/** Whether the values have this shape: shapeOf(values) would equal it. */
function fits(shape: readonly ValueShape[], values: readonly unknown[]): boolean {
  if (shape.length !== values.length) return false;
  for (let i = 0; i < values.length; i++) {
    const expected = shape[i] as ValueShape;
    const value = values[i];
    if (expected === SCALAR) {
      if (!isScalar(value)) return false;
    } else if (expected.list) {
      if (!Array.isArray(value) || value.length !== expected.rows.length) return false;
      for (let row = 0; row < value.length; row++) if (!rowFits(expected.rows[row] as string[], value[row])) return false;
    } else if (Array.isArray(value) || !rowFits(expected.rows[0] as string[], value)) {
      return false;
    }
  }
  return true;
}

/** Whether `row` is a row whose defined fields are `fields`, in that order, each a scalar. */
function rowFits(fields: readonly string[], row: unknown): boolean {
  if (!isRow(row)) return false;
  let count = 0;
  for (const key in row) {
    const value = row[key];
    if (value === undefined) continue;
    if (fields[count] !== key || !isScalar(value)) return false;
    count += 1;
  }
  return count === fields.length;
}

/** The stand-ins to build with, in the values' shape, and all of them. */
function standInsFor(values: readonly unknown[]): { standIns: unknown[]; all: StandIn[] } {
  const all: StandIn[] = [];
  const standIn = (slot: Slot) => {
    const made = new StandIn(slot);
    all.push(made);
    return made;
  };
  const rowOf = (row: Record<string, unknown>, value: number, index?: number) =>
    Object.fromEntries(definedKeys(row).map((field) => [field, standIn({ value, row: index, field })]));
  const standIns = values.map((value, index) => {
    if (isScalar(value)) return standIn({ value: index });
    if (Array.isArray(value)) return value.map((row: Record<string, unknown>, rowIndex) => rowOf(row, index, rowIndex));
    return rowOf(value as Record<string, unknown>, index);
  });
  return { standIns, all };
}

/** The query compiled with stand-ins, or null when its parameters do not use every stand-in exactly once. */
function compileOnce<V extends readonly unknown[], R>(db: Db, build: (db: Db, ...values: V) => Compilable<R>, values: V): Reusable<R> | null {
  const { standIns, all } = standInsFor(values);
  const query = build(db, ...(standIns as unknown as V)).compile();
  const placed = query.parameters.filter((p): p is StandIn => p instanceof StandIn);
  if (placed.length !== all.length || new Set(placed).size !== all.length) return null;
  return { query, slots: query.parameters.map((p) => (p instanceof StandIn ? p.slot : null)) };
}

function valueAt(values: readonly unknown[], slot: Slot): unknown {
  const value = values[slot.value];
  if (slot.field === undefined) return value;
  const row = (slot.row === undefined ? value : (value as unknown[])[slot.row]) as Record<string, unknown>;
  return row[slot.field];
}
