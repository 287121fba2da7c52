// npm run bench (or node bench/context.mjs after npm run build): the context a client loads, per mode —
// tools sent, bytes of the tools/list answer and about as many tokens (a token per 4 bytes of JSON),
// against the limits of issue 14 (all ≤ 1,500 bytes a tool, default ≤ 45,000, dynamic ≤ 3,000, server
// instructions ≤ 1,500). Sizes are exact, not timed, so the figures are the same on any machine.
const { ALL_TOOLS } = await import('../dist/tools/index.js');
const { TOOLSETS, toolsOfSets } = await import('../dist/tools/toolsets.js');
const { buildToolCatalog } = await import('../dist/tools/catalog.js');
const { SERVER_INSTRUCTIONS } = await import('../dist/server.js');

const bytesOf = (tools, dynamic = false) => Buffer.byteLength(JSON.stringify({ tools: buildToolCatalog(tools, dynamic).listing }));
const rows = [
  ['all', toolsOfSets(ALL_TOOLS, ['all']), false, (b, n) => `≤ ${(1500 * n).toLocaleString('en-US')} (1,500 a tool)`, (b, n) => b <= 1500 * n],
  ['default', toolsOfSets(ALL_TOOLS, ['default']), false, () => '≤ 45,000', (b) => b <= 45_000],
  ['dynamic', ALL_TOOLS, true, () => '≤ 3,000', (b) => b <= 3_000],
  ...TOOLSETS.map((set) => [`set ${set.name}`, toolsOfSets(ALL_TOOLS, [set.name]), false, () => '', () => true]),
];
const table = rows.map(([mode, tools, dynamic, target, met]) => {
  const bytes = bytesOf(tools, dynamic);
  const count = dynamic ? 3 : tools.length;
  return { mode, tools: count, bytes, tokens: Math.round(bytes / 4), perTool: Math.round(bytes / count), target: target(bytes, count), met: met(bytes, count) };
});
const instructions = Buffer.byteLength(SERVER_INSTRUCTIONS);

console.log('context: what a client loads per mode (bytes of tools/list, tokens ≈ bytes / 4)');
for (const r of table) {
  const verdict = r.target === '' ? '' : `${r.target} ${r.met ? 'met' : 'MISSED'}`;
  console.log(`  ${r.mode.padEnd(20)} ${String(r.tools).padStart(3)} tools ${r.bytes.toLocaleString('en-US').padStart(8)} B ${r.tokens.toLocaleString('en-US').padStart(7)} tokens ${String(r.perTool).padStart(5)} B/tool  ${verdict}`);
}
console.log(`  server instructions ${instructions.toLocaleString('en-US')} B (≤ 1,500 ${instructions <= 1500 ? 'met' : 'MISSED'})`);
