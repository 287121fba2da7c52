// The README tool list, rendered from the registry. scripts/readme-tools.mjs writes it and
// test/readme.test.ts compares it, both through these functions, so the two can never disagree on format.

export const TOOLS_START = '<!-- tools:start -->';
export const TOOLS_END = '<!-- tools:end -->';

/**
 * The first sentence of a tool description: up to the first `.`, `!` or `?` followed by the end of the text,
 * or by whitespace and a capital letter, a backtick or a snake_case field name ("… setting). group_order must
 * …"), so "3000 = $30.00" and "e.g. a plan" do not end it.
 */
export function firstSentence(description) {
  const text = description.replace(/\s+/g, ' ').trim();
  const end = /[.!?](?=$|\s+(?:[A-Z`]|[a-z0-9]+_[a-z0-9_]*\b))/.exec(text);
  return end ? text.slice(0, end.index + 1) : text;
}

function cell(text) {
  return text.replace(/\|/g, '\\|');
}

/** The whole marked block, markers included: tools grouped by resource in registry order. */
export function renderToolList(tools) {
  const byResource = new Map();
  for (const tool of tools) byResource.set(tool.resource, [...(byResource.get(tool.resource) ?? []), tool]);
  const reads = tools.filter((tool) => tool.operation === 'read').length;
  const lines = [
    TOOLS_START,
    '<!-- Generated from the tool registry (src/tools/index.ts) by `npm run readme:tools`. Do not edit by hand: `npm test` fails when it is out of date. -->',
    '',
    `${tools.length} tools in ${byResource.size} resource${byResource.size === 1 ? '' : 's'}: ${reads} read, ` +
      `${tools.length - reads} write. \`read\` tools never change the database, so \`--read-only\` keeps exactly those.`,
  ];
  for (const [resource, group] of byResource) {
    lines.push('', `### ${resource}`, '', '| Tool | Kind | What it does |', '| --- | --- | --- |');
    for (const tool of group) lines.push(`| \`${tool.name}\` | ${tool.operation} | ${cell(firstSentence(tool.description))} |`);
  }
  lines.push('', TOOLS_END);
  return lines.join('\n');
}

/** The marked block as it stands in a README, markers included; null when either marker is missing. */
export function extractToolList(readme) {
  const start = readme.indexOf(TOOLS_START);
  const end = readme.indexOf(TOOLS_END, start);
  if (start < 0 || end < 0) return null;
  return readme.slice(start, end + TOOLS_END.length);
}

/** The README with its marked block replaced by `block`; throws when the markers are missing. */
export function replaceToolList(readme, block) {
  const current = extractToolList(readme);
  if (current === null) throw new Error(`README.md has no ${TOOLS_START} … ${TOOLS_END} block to replace`);
  return readme.replace(current, () => block);
}

/** A short hint of what differs: lines only in the README (-) and only in the registry (+), at most `limit`. */
export function diffHint(actual, expected, limit = 20) {
  const actualLines = new Set(actual.split('\n'));
  const expectedLines = new Set(expected.split('\n'));
  const removed = [...actualLines].filter((line) => !expectedLines.has(line)).map((line) => `- ${line}`);
  const added = [...expectedLines].filter((line) => !actualLines.has(line)).map((line) => `+ ${line}`);
  const all = [...removed, ...added];
  const shown = all.slice(0, limit);
  if (all.length > limit) shown.push(`… and ${all.length - limit} more differing lines`);
  if (all.length === 0) shown.push('(same lines, different order)');
  return shown.join('\n');
}

export const TOOLSETS_START = '<!-- toolsets:start -->';
export const TOOLSETS_END = '<!-- toolsets:end -->';

/**
 * One row per toolset, then the default, all and dynamic modes: how many tools each sends and the bytes
 * (and about as many tokens, a token per 4 bytes) of its tools/list answer. `modules` are the registry's:
 * src/ in tests, dist/ in the script, so both measure the same code.
 */
export function toolsetRows({ ALL_TOOLS, TOOLSETS, toolsOfSets, buildToolCatalog }) {
  const bytesOf = (tools, dynamic = false) => Buffer.byteLength(JSON.stringify({ tools: buildToolCatalog(tools, dynamic).listing }));
  const row = (name, description, tools, inDefault, dynamic = false) => {
    const bytes = bytesOf(tools, dynamic);
    return { name, description, tools: dynamic ? 3 : tools.length, inDefault, bytes, tokens: Math.round(bytes / 4) };
  };
  return [
    ...TOOLSETS.map((set) => row(set.name, set.description, toolsOfSets(ALL_TOOLS, [set.name]), set.core.length)),
    row('default', 'The core of every set: the main jobs end to end (no --toolsets).', toolsOfSets(ALL_TOOLS, ['default']), null),
    row('all', 'Every tool, the main jobs first.', toolsOfSets(ALL_TOOLS, ['all']), null),
    row('--tools dynamic', 'list_tools, describe_tool and invoke_tool over every tool.', ALL_TOOLS, null, true),
  ];
}

/** The marked toolset table, markers included. */
export function renderToolsetTable(rows) {
  const number = (n) => n.toLocaleString('en-US');
  return [
    TOOLSETS_START,
    '<!-- Generated from src/tools/toolsets.ts by `npm run readme:tools`. Do not edit by hand: `npm test` fails when it is out of date. -->',
    '',
    '| Toolset | What it holds | Tools | In default | tools/list bytes | ≈ tokens |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.name}\` | ${cell(r.description)} | ${r.tools} | ${r.inDefault ?? '–'} | ${number(r.bytes)} | ${number(r.tokens)} |`),
    '',
    TOOLSETS_END,
  ].join('\n');
}

/** The marked toolset table as it stands in a README; null when either marker is missing. */
export function extractToolsetTable(readme) {
  const start = readme.indexOf(TOOLSETS_START);
  const end = readme.indexOf(TOOLSETS_END, start);
  if (start < 0 || end < 0) return null;
  return readme.slice(start, end + TOOLSETS_END.length);
}
