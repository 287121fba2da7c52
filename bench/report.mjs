import { round } from './stats.mjs';

function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const numeric = headers.map((_, i) => rows.every((row) => typeof row[i] === 'number' || /^[\d.]+x?$/.test(String(row[i]))));
  const line = (row) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const ms = (value) => round(value, 3).toFixed(3);

/** The human-readable report: machine, tool calls, cold start, tools/list, then PASS/MISS per target. */
export function formatReport(result) {
  const { machine: m, config: c } = result;
  const out = [];
  out.push(`${result.package} benchmark — ${result.date}`);
  out.push(
    `node ${m.node}, ${m.platform}, ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGb} GB RAM, load ${m.loadavg1mAtStart} at start, ${m.loadavg1mAtEnd} at end`,
  );
  // The bench keeps about two processes busy (client and server), so load from before it started is other work.
  if (m.loadavg1mAtStart > m.cpus / 2) {
    out.push(
      `WARNING: load average ${m.loadavg1mAtStart} before the run on ${m.cpus} CPUs: other work shares the machine, so absolute times are inflated and noisy; ratios less so`,
    );
  }
  out.push(
    `tool calls: ${c.iterations} sequential calls per case after ${c.warmup} warm-up; cold start: ${c.coldRuns} runs per case${c.cpuProf ? '; --cpu-prof ON (timings inflated)' : ''}`,
  );

  out.push('', `Tool calls, latency in ms as the SDK client sees it (get_product reads ${result.productId})`);
  const callRows = [];
  for (const transport of ['stdio', 'http']) {
    const t = result.toolCall[transport];
    callRows.push([transport, 'noop', t.noop.n, ms(t.noop.median), ms(t.noop.p90), ms(t.noop.p99), ms(t.noop.mean), '1.00x', '1.00x']);
    callRows.push([
      transport,
      'get_product',
      t.get_product.n,
      ms(t.get_product.median),
      ms(t.get_product.p90),
      ms(t.get_product.p99),
      ms(t.get_product.mean),
      `${t.ratio.median.toFixed(2)}x`,
      `${t.ratio.p99.toFixed(2)}x`,
    ]);
    callRows.push([
      transport,
      'product_echo',
      t.product_echo.n,
      ms(t.product_echo.median),
      ms(t.product_echo.p90),
      ms(t.product_echo.p99),
      ms(t.product_echo.mean),
      `${t.echoRatio.median.toFixed(2)}x`,
      `${t.echoRatio.p99.toFixed(2)}x`,
    ]);
    callRows.push([
      transport,
      'tools/list',
      t.tools_list.n,
      ms(t.tools_list.median),
      ms(t.tools_list.p90),
      ms(t.tools_list.p99),
      ms(t.tools_list.mean),
      `${t.listRatio.median.toFixed(2)}x`,
      `${t.listRatio.p99.toFixed(2)}x`,
    ]);
  }
  out.push(table(['transport', 'case', 'n', 'median', 'p90', 'p99', 'mean', '/noop median', '/noop p99'], callRows));
  for (const transport of ['stdio', 'http']) {
    const { split } = result.toolCall[transport];
    out.push(
      `  ${transport}: get_product − noop = result size (product_echo − noop) ${ms(split.resultSizeMs)} ms + engine read (get_product − product_echo) ${ms(split.engineMs)} ms`,
    );
  }

  const cold = result.coldStart;
  out.push('', `Cold start in ms (${cold.runs} runs each; ratio = median / baseline median)`);
  const coldRows = ['baseline', 'version', 'freshDb', 'existingDb'].map((key) => [
    key,
    ms(cold[key].median),
    ms(cold[key].min),
    ms(cold[key].max),
    key === 'baseline' ? '1.00x' : `${cold[key].ratio.toFixed(2)}x`,
    cold[key].what,
  ]);
  out.push(table(['case', 'median', 'min', 'max', 'ratio', 'what'], coldRows));

  const list = result.toolsList;
  out.push('', 'tools/list');
  out.push(`  dist/cli.js: ${list.tools} tools, ${list.bytes} bytes of JSON (bench server: ${list.benchServerTools}, with noop and product_echo)`);
  out.push(`  converting the catalog (zod → JSON Schema), in process: median ${ms(list.conversionMs.median)} ms`);
  out.push(`  tools/list − noop median: stdio ${ms(result.toolCall.stdio.listOverheadMs)} ms, http ${ms(result.toolCall.http.listOverheadMs)} ms`);
  out.push(
    `  control converting per request (stdio, ${list.perRequestControl.iterations} calls): tools/list − noop median ${ms(list.perRequestControl.listOverheadMs)} ms`,
  );
  out.push(`  two answers per session, stdio vs http, and every cold start: identical (deep-equal)`);

  out.push('', 'Targets');
  out.push(
    table(
      ['result', 'target', 'value', 'measure'],
      result.targets.map((t) => [t.pass ? 'PASS' : 'MISS', t.target, t.value, t.name]),
    ),
  );
  out.push('', `elapsed ${result.elapsedS} s`);
  return out.join('\n');
}
