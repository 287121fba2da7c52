// Rule under test: db/reusable.ts — a query built and compiled once per database handle and value shape
// returns exactly what building it on every call returns (selects, inserts of one row or several, PATCH
// updates whose fields vary, constants of the query kept; the same fields in another order are another
// shape); shapes it cannot reuse (a value used twice, an `in` list, a value that is not a scalar) are built
// on every call and still correct; a transaction on the same connection runs the root's compiled copy,
// another handle compiles its own.
import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import type { Db } from '../../src/engine/db/database.js';
import type { BrandsTable } from '../../src/engine/db/schema.js';
import { reusableQuery } from '../../src/engine/db/reusable.js';
import { inTransaction } from '../../src/engine/db/transaction.js';
import { createTestEngine, type TestEngine } from '../support/test-engine.js';

let engine: TestEngine;
afterEach(async () => {
  await engine.close();
});

const brand = (id: string, name: string, url: string | null = null): Omit<BrandsTable, 'business_id'> => ({
  brand_id: id,
  name,
  description: null,
  url,
  image: null,
  statement_descriptor: null,
  support_email: null,
  enabled: 1,
  verification_status: 'Success',
  is_primary: 0,
  created_at: 1,
  updated_at: 1,
});

describe('reusableQuery', () => {
  test('selects, inserts and updates built once per handle and shape, the same results as built each time', async () => {
    engine = await createTestEngine();
    const db = engine.ctx.db;
    const business = engine.ctx.businessId;
    let builds = 0;
    const insert = reusableQuery((d: Db, rows: Array<Omit<BrandsTable, 'business_id'>>) => {
      builds += 1;
      return d.insertInto('brands').values(rows.map((r) => ({ ...r, business_id: business })));
    });
    const rename = reusableQuery((d: Db, changes: { name?: string | undefined; url?: string | null | undefined }, id: string) => {
      builds += 1;
      return d.updateTable('brands').set(changes).where('brand_id', '=', id).where('enabled', '=', 1);
    });
    const find = reusableQuery((d: Db, id: string) => {
      builds += 1;
      return d.selectFrom('brands').select(['brand_id', 'name', 'url']).where('business_id', '=', business).where('brand_id', '=', id);
    });

    await insert(db, [brand('b1', 'One')]);
    await insert(db, [brand('b2', 'Two', 'https://two.example')]);
    await insert(db, [brand('b3', 'Three'), brand('b4', 'Four')]);
    expect(builds).toBe(2); // one row, then two rows: two shapes
    expect((await rename(db, { name: 'Uno' }, 'b1')).numAffectedRows).toBe(1n);
    await rename(db, { name: 'Dos', url: undefined }, 'b2'); // undefined fields are left out: the same shape
    await rename(db, { url: null }, 'b3');
    expect(builds).toBe(4);
    const rows = [];
    for (const id of ['b1', 'b2', 'b3', 'b4', 'missing']) rows.push(...(await find(db, id)).rows);
    expect(builds).toBe(5);
    expect(rows).toEqual([
      { brand_id: 'b1', name: 'Uno', url: null },
      { brand_id: 'b2', name: 'Dos', url: 'https://two.example' },
      { brand_id: 'b3', name: 'Three', url: null },
      { brand_id: 'b4', name: 'Four', url: null },
    ]);

    // A transaction of the same connection runs the same compiled query; its results are the transaction's.
    await inTransaction(db, async (trx) => {
      await rename(trx, { name: 'Tres' }, 'b3');
      expect((await find(trx, 'b3')).rows).toEqual([{ brand_id: 'b3', name: 'Tres', url: null }]);
    });
    expect(builds).toBe(5);
    expect((await find(db, 'b3')).rows).toEqual([{ brand_id: 'b3', name: 'Tres', url: null }]);
    // Kysely's own transaction handle is not known to share the connection: it compiles its own copy.
    await db.transaction().execute(async (trx) => {
      expect((await find(trx, 'b4')).rows).toEqual([{ brand_id: 'b4', name: 'Four', url: null }]);
    });
    expect(builds).toBe(6);
  });

  test('shapes that cannot be reused are built on every call, with the right results', async () => {
    engine = await createTestEngine();
    const db = engine.ctx.db;
    let builds = 0;
    const twice = reusableQuery((d: Db, name: string) => {
      builds += 1;
      return d
        .selectFrom('brands')
        .select('name')
        .where((eb) => eb.or([eb('name', '=', name), eb('description', '=', name)]));
    });
    const anyOf = reusableQuery((d: Db, names: string[]) => {
      builds += 1;
      return d.selectFrom('brands').select('name').where('name', 'in', names).orderBy('name');
    });
    expect((await twice(db, 'Primary brand')).rows).toEqual([{ name: 'Primary brand' }]);
    expect((await twice(db, 'nothing')).rows).toEqual([]);
    expect((await anyOf(db, ['Primary brand', 'x'])).rows).toEqual([{ name: 'Primary brand' }]);
    expect((await anyOf(db, ['y'])).rows).toEqual([]);
    expect(builds).toBe(5); // twice: compiled once, refused, then built on each of its 2 calls; anyOf: 2
  });

  test('a call runs the compiled copy only when its values have that shape: the same fields in the same order, all scalars', async () => {
    engine = await createTestEngine();
    const db = engine.ctx.db;
    let builds = 0;
    const rename = reusableQuery((d: Db, changes: { name?: string | undefined; url?: string | null | undefined }, id: string) => {
      builds += 1;
      return d.updateTable('brands').set(changes).where('brand_id', '=', id);
    });
    const find = reusableQuery((d: Db, id: string) => {
      builds += 1;
      return d.selectFrom('brands').select(['name', 'url']).where('brand_id', '=', id);
    });
    const [primary] = (await db.selectFrom('brands').select('brand_id').execute()).map((r) => r.brand_id);
    const id = primary as string;
    await rename(db, { name: 'A', url: 'https://a.example' }, id);
    await rename(db, { url: 'https://b.example', name: 'B' }, id); // other order: its own shape
    expect((await find(db, id)).rows).toEqual([{ name: 'B', url: 'https://b.example' }]);
    await rename(db, { name: 'C', url: 'https://c.example' }, id);
    expect(builds).toBe(3);
    expect((await find(db, id)).rows).toEqual([{ name: 'C', url: 'https://c.example' }]);
    // A value that is not a scalar never runs a compiled copy: Kysely builds it (here, a raw expression).
    await rename(db, { name: sql<string>`upper(${'d'})` as unknown as string }, id);
    expect((await find(db, id)).rows).toEqual([{ name: 'D', url: 'https://c.example' }]);
    expect(builds).toBe(4);
  });
});
