// Writes docs/openapi.yaml and docs/api-reference.md from the route table and schemas (`npm run openapi`); `--check` fails when either is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderApiReference } from '../lib/api-reference.js';
import { renderOpenApiYaml } from '../lib/openapi.js';

const outputs = [
  { file: new URL('../docs/openapi.yaml', import.meta.url), text: renderOpenApiYaml() },
  { file: new URL('../docs/api-reference.md', import.meta.url), text: renderApiReference() },
];
if (process.argv.includes('--check')) {
  const stale = outputs.filter(({ file, text }) => readFileSync(file, 'utf8') !== text);
  for (const { file } of stale) console.error(`${file.pathname} is out of date: run npm run openapi`);
  if (stale.length > 0) process.exit(1);
} else {
  for (const { file, text } of outputs) writeFileSync(file, text);
}
