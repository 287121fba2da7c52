import { type ToolFilter, ToolFilterError } from '../tools/select.js';
import { ToolsetError } from '../tools/toolsets.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';
import { readPrebuiltTools, type ToolSelection } from './deferred-tools.js';
import { log } from './log.js';
import { type CliOptions, parseCliOptions, USAGE, UsageError } from './options.js';
import { servedTools } from './served-tools.js';

/**
 * The CLI: options, then only the modules the chosen path needs, each imported when it is reached.
 * `--help`/`--version` load no tool, engine or SDK module; `--list` opens no database; serving loads
 * ./serve.js (engine, SDK, stdio) and HTTP (express) only for --transport http; the tool modules load on
 * the first tools/call (./deferred-tools.ts), or at start with --tools dynamic.
 */
async function main(): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    return usageFailure(error);
  }
  // A filter that names a tool or resource is checked even with --help or --version (exit 2 on an unknown
  // name, as when every start loaded the tools); without names it cannot fail (--operation alone always
  // selects some: the registry has readers and writers), so those two answer before any tool is loaded.
  if ((options.help || options.version) && !namesToolsOrResources(options.filter)) return printHelpOrVersion(options);

  let selection: ToolSelection;
  try {
    selection = await selectedTools(options);
  } catch (error) {
    return usageFailure(error);
  }
  if (options.help || options.version) return printHelpOrVersion(options);
  if (options.list) {
    const { formatToolList } = await import('./list-tools.js');
    // Exactly what a client will be sent: with --tools dynamic, the three meta-tools over the selection.
    if (selection.loaded) {
      const catalog = (await import('../tools/catalog.js')).buildToolCatalog(selection.tools, options.tools === 'dynamic');
      process.stdout.write(`${formatToolList([...catalog.byName.values()], catalog.listing)}\n`);
    } else {
      process.stdout.write(
        `${formatToolList(
          selection.tools,
          selection.tools.map((tool) => tool.listEntry),
        )}\n`,
      );
    }
    return 0;
  }
  const { serve } = await import('./serve.js');
  return serve(options, selection);
}

/**
 * Selects from the build's description of the tools when it is there (no tool module loads), else from
 * ALL_TOOLS; --tools dynamic always loads them, its meta-tools are built from their schemas.
 */
async function selectedTools(options: CliOptions): Promise<ToolSelection> {
  const prebuilt = options.tools === 'static' ? readPrebuiltTools() : undefined;
  const selection: ToolSelection = prebuilt
    ? { loaded: false, tools: servedTools(prebuilt, options) }
    : { loaded: true, tools: servedTools((await import('../tools/index.js')).ALL_TOOLS, options) };
  if (selection.tools.length === 0) throw new UsageError('the given toolsets and filters select no tools; run with --list to see what they select');
  return selection;
}

function namesToolsOrResources(filter: ToolFilter): boolean {
  return [filter.resources, filter.excludeResources, filter.tools, filter.excludeTools].some((names) => (names?.length ?? 0) > 0);
}

function printHelpOrVersion(options: CliOptions): number {
  process.stdout.write(options.help ? `${USAGE}\n` : `${PACKAGE_NAME} ${PACKAGE_VERSION}\n`);
  return 0;
}

/** A bad flag, value or filter: the message and the usage on stderr, exit status 2. Anything else is rethrown. */
function usageFailure(error: unknown): number {
  if (error instanceof UsageError || error instanceof ToolFilterError || error instanceof ToolsetError) {
    process.stderr.write(`billing-mcp: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  throw error;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
