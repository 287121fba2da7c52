// node:fs plus globSync (Node 22's fs.globSync), backed by the `glob` package on Node 20.
import fs from 'node:fs';
import { globSync as globPackageSync } from 'glob';

export * from 'node:fs';
export default fs;

/** Same call shape as fs.globSync(pattern, { cwd, exclude }) for the string-pattern uses in the wild. */
export function globSync(pattern, options = {}) {
  if (typeof fs.globSync === 'function') return fs.globSync(pattern, options);
  const { exclude, ...rest } = options;
  return globPackageSync(pattern, typeof exclude === 'function' ? rest : { ...rest, ignore: exclude });
}
