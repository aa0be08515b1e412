/**
 * The Markdown writer and chunker against their targets, printed and written to
 * reports/markdown-bench.json:
 * - generated documents of known structure (test/support/structured-pdf.ts), each seed a
 *   different text and number of sections: heading precision and recall (≥ 0.9), reading order
 *   of paragraphs (≥ 0.95), running header and footer never left in;
 * - the shared corpus: for every document with a text layer (20 words or more), the share of its
 *   page text's words the Markdown keeps (≥ 0.98), with the running headers, footers and page
 *   numbers the writer leaves out on purpose taken out of the page text first (the share of the
 *   page text they are is printed beside it, and the coverage of the whole page text too), and
 *   every chunk within the budget;
 * - time: Markdown and chunking against the extraction itself, in CPU time of one thread in one
 *   process (wall-clock time on a machine shared with other work measures the others), each
 *   document read once before it is measured, as a warm function reads it (≤ 20%); against the
 *   parse alone, and against the parse plus the encoding of each page's layout as the page
 *   writer stores it (gzip JSON), which the extractor does for every page too. The tokenizer's
 *   memory of words starts empty for each document, as for the first document of a function.
 *
 *   npm run bench:markdown -- [--corpus DIR] [--seeds N] [--budget TOKENS] [--overlap TOKENS] [--warm-tokenizer]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CONFIGS } from '../lib/config.js';
import { chunkBlocks } from '../lambdas/extract/markdown/chunks.js';
import { toMarkdown } from '../lambdas/extract/markdown/markdown.js';
import { findRunningLines } from '../lambdas/extract/markdown/running-lines.js';
import { toTextLines } from '../lambdas/extract/markdown/text-lines.js';
import { loadTokenCounter, wordByWord } from '../lambdas/extract/markdown/tokenizer.js';
import { markdownPage } from '../lambdas/extract/document-markdown.js';
import { extractPages, markdownPages, paragraphOrder, scoreHeadings } from '../test/support/markdown-metrics.js';
import { makeStructuredPdf } from '../test/support/structured-pdf.js';
import { listCorpus } from './corpus.js';
import { tokenize } from './word-overlap.js';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpus' },
    seeds: { type: 'string', default: '12' },
    budget: { type: 'string', default: String(CONFIGS.dev.markdown.chunkMaxTokens) },
    overlap: { type: 'string', default: String(CONFIGS.dev.markdown.chunkOverlapTokens) },
    /** Keep the tokenizer's memory of words from one document to the next, as a warm function does. */
    'warm-tokenizer': { type: 'boolean', default: false },
  },
});
const budget = Number(values.budget);
const overlap = Number(values.overlap);
const countTokens = await loadTokenCounter(CONFIGS.dev.markdown.tokenizer);
const encoding = await import(`gpt-tokenizer/encoding/${CONFIGS.dev.markdown.tokenizer}`) as { countTokens: (text: string, options: object) => number };
/** A counter that remembers no word yet: each document pays for its own vocabulary. */
const freshCounter = () => wordByWord((text) => encoding.countTokens(text, { disallowedSpecial: new Set() }));
const fmt = (n: number) => n.toFixed(3);
const MIN_WORDS = 20;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Multiset recall of the reference's words (less those `leftOut`) in the candidate. */
function coverage(reference: string, candidate: string, leftOut = ''): { words: number; recall: number; missing: string[] } {
  const counts = new Map<string, number>();
  for (const token of tokenize(candidate)) counts.set(token, (counts.get(token) ?? 0) + 1);
  const skipped = new Map<string, number>();
  for (const token of tokenize(leftOut)) skipped.set(token, (skipped.get(token) ?? 0) + 1);
  const words = tokenize(reference).filter((token) => {
    const skip = skipped.get(token) ?? 0;
    if (skip > 0) skipped.set(token, skip - 1);
    return skip === 0;
  });
  const missing: string[] = [];
  for (const token of words) {
    const left = counts.get(token) ?? 0;
    if (left > 0) counts.set(token, left - 1);
    else missing.push(token);
  }
  return { words: words.length, recall: words.length === 0 ? 1 : (words.length - missing.length) / words.length, missing };
}

// Generated documents of known structure.
const generated = [];
for (let seed = 1; seed <= Number(values.seeds); seed += 1) {
  const document = makeStructuredPdf({ seed, sections: 2 + (seed % 4) });
  const pages = await extractPages(document.bytes);
  const { markdown, blocks } = toMarkdown(markdownPages(pages, document));
  const headings = scoreHeadings(blocks, document.expected);
  const order = paragraphOrder(blocks, document.expected);
  const runningLeft = markdown.includes(document.runningHeader) || /Page \d+ of \d+/.test(markdown);
  generated.push({ seed, pages: document.pageCount, ...headings, readingOrder: order, runningLeft });
  console.log(`generated seed ${seed} (${document.pageCount} pages): headings P ${fmt(headings.precision)} R ${fmt(headings.recall)} level ${fmt(headings.levelAccuracy)}, reading order ${fmt(order)}${runningLeft ? ', RUNNING LINE LEFT IN' : ''}`);
}
const mean = (list: readonly number[]) => list.reduce((sum, value) => sum + value, 0) / Math.max(1, list.length);
const generatedSummary = {
  documents: generated.length,
  headingPrecision: mean(generated.map((entry) => entry.precision)),
  headingRecall: mean(generated.map((entry) => entry.recall)),
  headingLevelAccuracy: mean(generated.map((entry) => entry.levelAccuracy)),
  readingOrder: mean(generated.map((entry) => entry.readingOrder)),
  minReadingOrder: Math.min(...generated.map((entry) => entry.readingOrder)),
  runningLinesLeft: generated.filter((entry) => entry.runningLeft).length,
};

// The corpus: coverage, chunk budgets, time.
const corpus = [];
let extractMs = 0;
let encodeMs = 0;
let markdownMs = 0;
for (const file of listCorpus(values.corpus!)) {
  const bytes = new Uint8Array(readFileSync(file.path));
  let pages;
  try {
    await extractPages(bytes, 5000); // warms the engine's code paths for this kind of file
  } catch {
    continue; // encrypted, corrupt, hostile: no document to write
  }
  const started = cpuMs();
  pages = await extractPages(bytes, 5000);
  const extracted = cpuMs() - started;
  const encodeStarted = cpuMs();
  for (const page of pages) gzipSync(JSON.stringify(page.layout));
  const encoded = cpuMs() - encodeStarted;
  const text = pages.map((page) => page.text).join('\n');
  if (tokenize(text).length < MIN_WORDS) continue;
  toMarkdown(pages.map(markdownPage)); // and the writer's
  const before = cpuMs();
  const { markdown, blocks } = toMarkdown(pages.map(markdownPage));
  const chunks = chunkBlocks(blocks, { documentId: file.file, generation: 1, maxTokens: budget, overlapTokens: overlap, countTokens: values['warm-tokenizer'] ? countTokens : freshCounter() });
  const took = cpuMs() - before;
  extractMs += extracted;
  encodeMs += encoded;
  markdownMs += took;
  const running = [...findRunningLines(pages.map((page) => toTextLines(page.layout)))].map((line) => line.text).join('\n');
  const covered = coverage(text, markdown, running);
  const whole = coverage(text, markdown);
  const runningShare = tokenize(running).length / Math.max(1, tokenize(text).length);
  const largest = Math.max(0, ...chunks.map((chunk) => chunk.tokenCount));
  const missing = [...new Set(covered.missing)].slice(0, 8).join(' ');
  corpus.push({ file: file.file, pages: pages.length, words: covered.words, coverage: covered.recall, wholeTextCoverage: whole.recall, runningShare, chunks: chunks.length, largestChunk: largest, extractMs: extracted, markdownMs: took });
  console.log(`${file.file}: ${pages.length} pages, coverage ${fmt(covered.recall)} of ${covered.words} words (whole page text ${fmt(whole.recall)}, running lines ${fmt(runningShare)}), ${chunks.length} chunks (largest ${largest}), extract ${extracted.toFixed(0)} ms, markdown ${took.toFixed(0)} ms${covered.recall < 0.98 ? `  missing: ${missing}` : ''}`);
}
const corpusSummary = {
  documents: corpus.length,
  minCoverage: Math.min(...corpus.map((entry) => entry.coverage)),
  meanWholeTextCoverage: mean(corpus.map((entry) => entry.wholeTextCoverage)),
  belowTarget: corpus.filter((entry) => entry.coverage < 0.98).map((entry) => entry.file),
  chunksOverBudget: corpus.filter((entry) => entry.largestChunk > budget).map((entry) => entry.file),
  extractMs,
  markdownMs,
  encodeMs,
  markdownShare: markdownMs / extractMs,
  markdownShareOfExtractorWork: markdownMs / (extractMs + encodeMs),
};

console.log(
  `\ngenerated (${generatedSummary.documents} documents): heading precision ${fmt(generatedSummary.headingPrecision)}, recall ${fmt(generatedSummary.headingRecall)} (target ≥ 0.9), ` +
    `levels ${fmt(generatedSummary.headingLevelAccuracy)}, reading order ${fmt(generatedSummary.readingOrder)} (lowest ${fmt(generatedSummary.minReadingOrder)}; target ≥ 0.95), running lines left in: ${generatedSummary.runningLinesLeft}`,
);
console.log(
  `corpus (${corpusSummary.documents} text documents): lowest word coverage ${fmt(corpusSummary.minCoverage)} (target ≥ 0.98; below: ${corpusSummary.belowTarget.join(', ') || 'none'}; ` +
    `of the whole page text, running lines included: mean ${fmt(corpusSummary.meanWholeTextCoverage)}), ` +
    `chunks over the ${budget}-token budget: ${corpusSummary.chunksOverBudget.length}`,
);
console.log(
  `CPU time: parse ${(extractMs / 1000).toFixed(1)} s, layouts encoded ${(encodeMs / 1000).toFixed(1)} s, Markdown and chunks ${(markdownMs / 1000).toFixed(2)} s: ` +
    `${(100 * corpusSummary.markdownShare).toFixed(1)}% of the parse, ${(100 * corpusSummary.markdownShareOfExtractorWork).toFixed(1)}% of parse and encoding (target ≤ 20%)`,
);
mkdirSync('reports', { recursive: true });
writeFileSync(values['warm-tokenizer'] ? 'reports/markdown-bench-warm.json' : 'reports/markdown-bench.json', `${JSON.stringify({ budget, overlap, generated: generatedSummary, generatedDocuments: generated, corpus: corpusSummary, corpusDocuments: corpus }, null, 2)}\n`);
