// Module resolve hook registered by fs-glob-polyfill.mjs. Only imports made from inside
// @modelcontextprotocol/conformance are redirected; everything else resolves as usual.
const FS_WITH_GLOB = new URL('./fs-with-glob.mjs', import.meta.url).href;
const CONFORMANCE = '/node_modules/@modelcontextprotocol/conformance/';

export async function resolve(specifier, context, nextResolve) {
  const isFs = specifier === 'fs' || specifier === 'node:fs';
  if (isFs && context.parentURL?.includes(CONFORMANCE)) return { url: FS_WITH_GLOB, shortCircuit: true };
  return nextResolve(specifier, context);
}
