import { readFileSync } from 'node:fs';
import { toMarkdown } from './lambdas/extract/markdown/markdown.js';
import { chunkBlocks } from './lambdas/extract/markdown/chunks.js';
import { loadTokenCounter } from './lambdas/extract/markdown/tokenizer.js';
import { markdownPage } from './lambdas/extract/document-markdown.js';
import { extractPages } from './test/support/markdown-metrics.js';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const count = await loadTokenCounter();
for (const file of process.argv.slice(2)) {
let t = cpu();
const pages = await extractPages(new Uint8Array(readFileSync(file)), 5000);
const e = cpu() - t;
t = cpu();
const { blocks } = toMarkdown(pages.map(markdownPage));
const m = cpu() - t;
t = cpu();
const chunks = chunkBlocks(blocks, { documentId: 'x', generation: 1, maxTokens: 512, overlapTokens: 64, countTokens: count });
console.log(file.slice(-30), 'extract', e.toFixed(0), 'toMarkdown', m.toFixed(0), 'chunks', chunks.length, (cpu() - t).toFixed(0));
}
