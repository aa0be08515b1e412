/**
 * `npm run docs:config`: regenerates the configuration tables of the README and of `docs/` from
 * the config schema and the environments' values (see `lib/config/docs-tables.ts`).
 * `--check` changes nothing and fails when a table is out of date.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIGS } from '../lib/config.js';
import { hasConfigTables, renderConfigTables } from '../lib/config/docs-tables.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The README and every markdown file under `docs/` that has a config table, relative to the root. */
export function documentsWithConfigTables(root = ROOT): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
  return ['README.md', ...docs].filter((path) => hasConfigTables(readFileSync(join(root, path), 'utf8')));
}

function main(check: boolean): void {
  const stale: string[] = [];
  for (const path of documentsWithConfigTables()) {
    const text = readFileSync(join(ROOT, path), 'utf8');
    const rendered = renderConfigTables(text, path, CONFIGS);
    if (rendered === text) continue;
    stale.push(path);
    if (!check) writeFileSync(join(ROOT, path), rendered);
  }
  if (check && stale.length > 0) {
    console.error(`Config tables out of date in ${stale.join(', ')}: run npm run docs:config`);
    process.exit(1);
  }
  console.log(stale.length === 0 ? 'Config tables up to date' : `Config tables rewritten in ${stale.join(', ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.includes('--check'));
