import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import { type Db, rawSqliteOf } from './database.js';

/**
 * Kysely builds a query as a tree of frozen nodes and compiles it to SQL on every call: ~4 µs for a short
 * select, more for an insert, about a tenth of a renewal's time at ~30 statements each. A reusable query
 * is built and compiled once per connection (an openDatabase SQLite connection and its transactions share
 * one; any other db handle has its own) and value shape, with stand-ins for its values, then run with each
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
  const compiled = new WeakMap<object, Map<string, Reusable<R> | null>>();
  return (db, ...values) => {
    const shape = shapeOf(values);
    if (shape === null) return db.executeQuery(build(db, ...values));
    // The SQL depends only on the dialect: one connection's transactions compile it as the root db does.
    const owner: object = rawSqliteOf(db) ?? db;
    let shapes = compiled.get(owner);
    if (!shapes) {
      shapes = new Map();
      compiled.set(owner, shapes);
    }
    let entry = shapes.get(shape);
    if (entry === undefined) {
      entry = compileOnce(db, build, values);
      shapes.set(shape, entry);
    }
    if (entry === null) return db.executeQuery(build(db, ...values));
    const { query, slots } = entry;
    const parameters = slots.map((slot, i) => (slot === null ? query.parameters[i] : valueAt(values, slot)));
    return db.executeQuery<R>({ ...query, parameters });
  };
}

/** Where a parameter comes from: the index of the value, and within a row (list) the row and field. */
interface Slot {
  value: number;
  row?: number | undefined;
  field?: string | undefined;
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

/** The row's defined fields joined, or null when one of them is not a scalar. */
function rowShape(row: Record<string, unknown>): string | null {
  let shape = '';
  for (const key in row) {
    const value = row[key];
    if (value === undefined) continue;
    if (!isScalar(value)) return null;
    shape += `${key},`;
  }
  return shape;
}

/** A key naming the values' shape (which are scalars, rows with which fields, lists of how many rows), or null when one is none of these. */
function shapeOf(values: readonly unknown[]): string | null {
  let shape = '';
  for (const value of values) {
    if (isScalar(value)) {
      shape += 's;';
      continue;
    }
    const rows = Array.isArray(value) ? (value as unknown[]) : [value];
    if (rows.length === 0) return null;
    shape += Array.isArray(value) ? '[' : '{';
    for (const row of rows) {
      const fields = isRow(row) ? rowShape(row) : null;
      if (fields === null) return null;
      shape += `${fields}|`;
    }
    shape += ';';
  }
  return shape;
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
