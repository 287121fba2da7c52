import { createRequire } from 'node:module';

// dist/version.js and src/version.ts both sit one level below package.json.
const packageJson = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

export const PACKAGE_NAME = packageJson.name;
export const PACKAGE_VERSION = packageJson.version;
