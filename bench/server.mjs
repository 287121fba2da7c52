// Bench-only server entry: the shipped tools plus a no-op tool, served through the same buildServer,
// catalog and defineTool wrapper as dist/cli.js, so the no-op is the baseline for every tool call.
// Usage: node bench/server.mjs --dist DIR --db PATH [--product-id ID] [--transport stdio|http] [--port N]
//        [--list-per-request]
// Over http it prints one JSON line {"url": "..."} on stdout once listening and stops on SIGTERM/SIGINT.
// --list-per-request is the control for "tools/list is computed once": it answers tools/list by converting
// every schema again, as a server without the catalog would (stdio only).
import { parseArgs } from 'node:util';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { loadBenchTools } from './bench-tools.mjs';
import { fromDist } from './dist.mjs';

const log = (line) => process.stderr.write(`bench-server: ${line}\n`);

const stopSignal = () =>
  new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });

async function main() {
  const { values } = parseArgs({
    options: {
      dist: { type: 'string' },
      db: { type: 'string' },
      'product-id': { type: 'string' },
      transport: { type: 'string', default: 'stdio' },
      port: { type: 'string', default: '0' },
      'list-per-request': { type: 'boolean', default: false },
    },
  });
  if (!values.dist || !values.db) throw new Error('--dist DIR and --db PATH are required');
  const [{ openDatabase }, { createEngine }, { buildServer }, { buildToolCatalog, toListEntry }, { serveHttp }, { serveStdio }] = await Promise.all(
    ['engine/db/database.js', 'engine/index.js', 'server.js', 'tools/catalog.js', 'transports/http.js', 'transports/stdio.js'].map((path) =>
      fromDist(values.dist, path),
    ),
  );
  const engine = await createEngine({ db: openDatabase({ path: values.db }).db });
  const catalog = buildToolCatalog(await loadBenchTools(values.dist, { productId: values['product-id'] }));

  if (values.transport === 'http') {
    const http = await serveHttp({
      engine,
      catalog,
      host: '127.0.0.1',
      port: Number(values.port),
      authToken: undefined,
      allowedHosts: [],
      allowedOrigins: [],
      log,
    });
    process.stdout.write(`${JSON.stringify({ url: http.url })}\n`);
    await stopSignal();
    await http.close();
  } else {
    const server = buildServer(engine, { catalog });
    if (values['list-per-request']) {
      server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: catalog.selected.map(toListEntry) }));
    }
    const { closed } = await serveStdio(server);
    await Promise.race([closed, stopSignal()]);
  }
  await engine.close();
}

main().catch((error) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
