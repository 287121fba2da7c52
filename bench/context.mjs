// npm run bench (or node bench/context.mjs after npm run build): the context a client loads, per mode and per
// toolset — tools sent, bytes of the tools/list answer and about as many tokens (a token per 4 bytes of JSON),
// against the limits of issue 14 (all ≤ 1,500 bytes a tool, default ≤ 45,000, dynamic ≤ 3,000, server
// instructions ≤ 1,500). The rows are the README's toolset table (scripts/readme-tools-lib.mjs). Sizes are
// exact, not timed, so the figures are the same on any machine.
import { toolsetRows } from '../scripts/readme-tools-lib.mjs';

const { ALL_TOOLS } = await import('../dist/tools/index.js');
const { TOOLSETS, toolsOfSets } = await import('../dist/tools/toolsets.js');
const { buildToolCatalog } = await import('../dist/tools/catalog.js');
const { SERVER_INSTRUCTIONS } = await import('../dist/server.js');

/** The limit of each mode row, by its name in toolsetRows; set rows have none. */
const LIMITS = {
  all: (tools) => 1500 * tools,
  default: () => 45_000,
  '--tools dynamic': () => 3_000,
};

const number = (n) => n.toLocaleString('en-US');
console.log('context: what a client loads per mode and toolset (bytes of tools/list, tokens ≈ bytes / 4)');
for (const row of toolsetRows({ ALL_TOOLS, TOOLSETS, toolsOfSets, buildToolCatalog })) {
  const limit = LIMITS[row.name]?.(row.tools);
  const verdict = limit === undefined ? '' : `≤ ${number(limit)} ${row.bytes <= limit ? 'met' : 'MISSED'}`;
  console.log(
    `  ${row.name.padEnd(16)} ${String(row.tools).padStart(3)} tools ${number(row.bytes).padStart(8)} B ${number(row.tokens).padStart(7)} tokens ` +
      `${String(Math.round(row.bytes / row.tools)).padStart(5)} B/tool  ${verdict}`,
  );
}
const instructions = Buffer.byteLength(SERVER_INSTRUCTIONS);
console.log(`  server instructions ${number(instructions)} B (≤ 1,500 ${instructions <= 1500 ? 'met' : 'MISSED'})`);
