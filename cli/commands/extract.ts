import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { CONFIGS } from '../../lib/config.js';
import { checkPdfBytes } from '../../lambdas/extract/pdf-checks.js';
import type { ParsedDocument, ParsedPage } from '../../lambdas/extract/pdf-document.js';
import { ExtractionPool, poolSizeForMemory } from '../../lambdas/extract/pdf-extractor.js';
import { classifyParseError } from '../../lambdas/extract/pdf-document.js';
import { PermanentFailure } from '../../lambdas/shared/errors.js';

/** What `extract --json` prints for one file: one NDJSON line. */
export type ExtractLine =
  | { file: string; pageCount: number; pages: ExtractedPage[]; metadata: ParsedDocument['metadata'] }
  | { file: string; error: { code: string; message: string } };

/** A page as printed: its layout only when asked for (it is several times the text's size). */
type ExtractedPage = Omit<ParsedPage, 'layout'> & { layout?: ParsedPage['layout'] };

interface ExtractOptions {
  json?: boolean;
  layout?: boolean;
  maxPages: number;
}

const positiveInteger = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive whole number');
  return parsed;
};

/**
 * Extracts files with the pipeline's own extractor and limits, with no AWS service involved:
 * for trying the extractor, and for benchmarks.
 */
export async function extractFiles(files: readonly string[], options: ExtractOptions, emit: (line: ExtractLine) => void) {
  // The same limits the dev stack deploys, so a file behaves here as it would there.
  const { extraction } = CONFIGS.dev;
  const pool = new ExtractionPool({
    size: poolSizeForMemory(extraction.memoryMb * 2),
    heapLimitMb: extraction.workerMemoryMb,
    engineHeapBudgetMb: extraction.engineHeapBudgetMb,
    // Textract needs an account: the CLI reads scans with Tesseract, offline, or not at all.
    ...(CONFIGS.dev.ocr.engine === 'tesseract' ? { ocr: { ...CONFIGS.dev.ocr, engine: 'tesseract' as const } } : {}),
  });
  let failures = 0;
  try {
    for (const file of files) {
      try {
        const bytes = new Uint8Array(await readFile(file).catch((error: NodeJS.ErrnoException) => {
          throw new PermanentFailure('INTERNAL', `Cannot read ${file}: ${error.code ?? error.message}`);
        }));
        checkPdfBytes(bytes, extraction.maxPdfBytes);
        let document: ParsedDocument = { pageCount: 0, metadata: {} };
        const pages: ExtractedPage[] = [];
        await pool.extract(
          bytes,
          {
            maxPages: options.maxPages,
            deadline: Date.now() + extraction.documentTimeoutSeconds * 1000,
            fullBudget: true,
            rssLimitMb: Math.floor(extraction.memoryMb * 0.9),
          },
          {
            document: (parsed) => (document = parsed),
            page: ({ layout, ...page }) => pages.push(options.layout ? { ...page, layout } : page),
          },
        );
        emit({ file, pageCount: document.pageCount, pages, metadata: document.metadata });
      } catch (error) {
        failures += 1;
        const failure = classifyParseError(error);
        emit({ file, error: { code: failure.code, message: failure.message } });
      }
    }
  } finally {
    await pool.close();
  }
  return { failures };
}

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('Extract text, tables and metadata from local PDF files with the pipeline extractor (no AWS involved).')
    .argument('<files...>', 'PDF files')
    .option('--json', 'print one JSON object per file (NDJSON)')
    .option('--layout', "with --json: each page's layout too (lines and words with boxes)")
    .option('--max-pages <n>', 'refuse files with more pages', positiveInteger, CONFIGS.dev.extraction.maxPages)
    .action(async (files: string[], options: ExtractOptions) => {
      const { failures } = await extractFiles(files, options, (line) => {
        if (options.json) {
          process.stdout.write(`${JSON.stringify(line)}\n`);
        } else if ('error' in line) {
          process.stderr.write(`${line.file}: FAILED ${line.error.code}: ${line.error.message}\n`);
        } else {
          const header = files.length > 1 ? `==> ${line.file} (${line.pageCount} pages) <==\n` : '';
          process.stdout.write(`${header}${line.pages.map((page) => page.text).join('\n\f')}\n`);
        }
      });
      process.exitCode = failures > 0 ? 1 : 0;
    });
}
