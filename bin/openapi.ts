// Writes docs/openapi.yaml from the route table and schemas (`npm run openapi`); `--check` fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderOpenApiYaml } from '../lib/openapi.js';

const file = new URL('../docs/openapi.yaml', import.meta.url);
const text = renderOpenApiYaml();
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== text) {
    console.error('docs/openapi.yaml is out of date: run npm run openapi');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
}
