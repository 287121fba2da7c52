#!/usr/bin/env node
// Usage: node scripts/readme-tools.mjs [--write | --check] [README]
//   (no flag)  print the generated tool list
//   --write    rewrite the block between <!-- tools:start --> and <!-- tools:end --> in README (default README.md)
//   --check    exit 1 with a diff hint when README's block differs from the registry
// Reads the BUILT registry (dist/tools/index.js): run `npm run build` first (`npm run readme:tools` does).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  diffHint,
  extractToolList,
  extractToolsetTable,
  renderToolList,
  renderToolsetTable,
  replaceToolList,
  toolsetRows,
} from './readme-tools-lib.mjs';

const registryPath = fileURLToPath(new URL('../dist/tools/index.js', import.meta.url));
const mode = process.argv[2] ?? '--print';
const readmePath = process.argv[3] ?? fileURLToPath(new URL('../README.md', import.meta.url));
if (!['--print', '--write', '--check'].includes(mode) || process.argv.length > 4) {
  process.stderr.write('usage: node scripts/readme-tools.mjs [--write | --check] [README]\n');
  process.exit(2);
}
if (!existsSync(registryPath)) {
  process.stderr.write(`readme-tools: ${registryPath} is missing; run npm run build first\n`);
  process.exit(2);
}

const { ALL_TOOLS } = await import(pathToFileURL(registryPath).href);
const { TOOLSETS, toolsOfSets } = await import(new URL('../dist/tools/toolsets.js', import.meta.url).href);
const { buildToolCatalog } = await import(new URL('../dist/tools/catalog.js', import.meta.url).href);
const expected = renderToolList(ALL_TOOLS);
const expectedSets = renderToolsetTable(toolsetRows({ ALL_TOOLS, TOOLSETS, toolsOfSets, buildToolCatalog }));

if (mode === '--print') {
  process.stdout.write(`${expectedSets}\n\n${expected}\n`);
} else {
  const readme = readFileSync(readmePath, 'utf8');
  if (mode === '--write') {
    const sets = extractToolsetTable(readme);
    if (sets === null) throw new Error(`${readmePath} has no <!-- toolsets:start --> … <!-- toolsets:end --> block to replace`);
    const next = replaceToolList(readme, expected).replace(sets, () => expectedSets);
    if (next !== readme) writeFileSync(readmePath, next);
    process.stdout.write(`readme-tools: ${readmePath} lists ${ALL_TOOLS.length} tools${next === readme ? ' (unchanged)' : ''}\n`);
  } else {
    const actual = extractToolList(readme);
    if (actual === null) {
      process.stderr.write(`readme-tools: ${readmePath} has no <!-- tools:start --> … <!-- tools:end --> block\n`);
      process.exit(1);
    }
    const actualSets = extractToolsetTable(readme);
    if (actualSets !== expectedSets) {
      process.stderr.write(
        `readme-tools: ${readmePath}: the toolset table is out of date.\n${diffHint(actualSets ?? '', expectedSets)}\nRun: npm run readme:tools\n`,
      );
      process.exit(1);
    }
    if (actual !== expected) {
      process.stderr.write(
        `readme-tools: ${readmePath}: the tool list is out of date with the registry (${ALL_TOOLS.length} tools).\n` +
          `${diffHint(actual, expected)}\nRun: npm run readme:tools\n`,
      );
      process.exit(1);
    }
    process.stdout.write(`readme-tools: ${readmePath}: the tool list is up to date (${ALL_TOOLS.length} tools)\n`);
  }
}
