import { test } from 'vitest';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { buildToolCatalog, toListEntry } from '../../src/tools/catalog.js';
import { toolsOfSets } from '../../src/tools/toolsets.js';
test('sizes', () => {
  for (const sets of [['all'], ['default']]) {
    const tools = toolsOfSets(ALL_TOOLS, sets);
    const rows = tools.map((t) => { const e = toListEntry(t); return { name: t.name, total: JSON.stringify(e).length, out: JSON.stringify(e.outputSchema).length, inp: JSON.stringify(e.inputSchema).length, desc: (e.description ?? '').length }; });
    const sum = (k: 'total'|'out'|'inp'|'desc') => rows.reduce((a, r) => a + r[k], 0);
    console.log(sets, 'tools', rows.length, 'total', sum('total'), 'out', sum('out'), 'in', sum('inp'), 'desc', sum('desc'), 'avg', Math.round(sum('total')/rows.length));
    if (sets[0] === 'default') { rows.sort((a,b)=>b.total-a.total); console.log(rows.map(r=>`${r.name} ${r.total} out=${r.out} in=${r.inp} d=${r.desc}`).join('\n')); }
  }
  console.log('dynamic', JSON.stringify(buildToolCatalog(ALL_TOOLS, true).listing).length);
});
