import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const README_PATH = join(ROOT_DIR, 'README.md');

export function readReadme(): string {
  return readFileSync(README_PATH, 'utf8');
}

export interface CodeBlock {
  lang: string;
  body: string;
}

/** The fenced block right after `<!-- config:NAME -->`; throws when the marker or its block is missing. */
export function configBlock(readme: string, name: string): CodeBlock {
  const marker = `<!-- config:${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const match = /^\s*```([a-z]*)\n([\s\S]*?)\n```/.exec(readme.slice(at + marker.length));
  if (!match) throw new Error(`README.md: ${marker} is not followed by a fenced code block`);
  return { lang: match[1] ?? '', body: match[2] ?? '' };
}

/** Every `<!-- config:NAME -->` marker name, in order. */
export function configNames(readme: string): string[] {
  return [...readme.matchAll(/<!-- config:([a-z0-9-]+) -->/g)].map((m) => m[1] ?? '');
}

/** The text under a `## heading`, up to the next `## ` heading. */
export function section(readme: string, heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Splits a command line into words the way sh does for plain words and '…' or "…" quoted ones. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}
