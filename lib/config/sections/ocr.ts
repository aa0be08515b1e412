/** `ocr`: reading scanned pages (pages without a usable text layer). */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { fileURLToPath } from 'node:url';
import { FAST_MODEL_LANGUAGES, TRAINEDDATA_VARIANT, traineddataPath } from '../../../lambdas/extract/ocr/tesseract-assets.js';
import { between, oneOf } from '../rules.js';

/** Where a Tesseract language's gzipped traineddata comes from: vendor/tessdata-fast, else its @tesseract.js-data package. */
export function ocrTraineddataFile(language: string): string {
  if (FAST_MODEL_LANGUAGES.includes(language)) return fileURLToPath(new URL(`../../../${traineddataPath(language)}`, import.meta.url));
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`@tesseract.js-data/${language}/package.json`)), TRAINEDDATA_VARIANT, `${language}.traineddata.gz`);
}

function shipsTraineddata(language: string): boolean {
  try {
    return existsSync(ocrTraineddataFile(language));
  } catch {
    return false;
  }
}

const TESSERACT_LANGUAGE = /^[a-z]{3}(_[a-z]+)?$/;
const PAGE_BUDGET = 'must be a whole number from 0 to extraction.maxPages';

export const ocrSchema = z
  .strictObject({
    // `textract` is for deployed environments only: Textract has no local emulator.
    engine: oneOf(['tesseract', 'textract', 'off']).describe(
      '`tesseract` in the function, offline; `textract` (Amazon Textract); `off`: scanned pages keep `needsOcr`',
    ),
    languages: z
      .array(
        z.string().regex(TESSERACT_LANGUAGE, {
          error: (issue) => `'${String(issue.input)}' is not a Tesseract language code such as 'eng' or 'chi_sim'`,
        }),
      )
      .min(1, { error: 'must name at least one language' })
      .readonly()
      .describe('Tesseract language codes read together; only these ship'),
    maxPagesPerDocument: z
      .number({ error: PAGE_BUDGET })
      .int({ error: PAGE_BUDGET })
      .min(0, { error: PAGE_BUDGET })
      .describe('pages OCRed per document at most; the rest keep `needsOcr: true`'),
    // 150 DPI reads ordinary scans as well as 300 in three quarters of the time.
    dpi: between(150, 300).describe("resolution pages are rendered at when the scan's own is unknown"),
    // Every extraction worker paces its requests to its share of it (`ocrTextractIntervalMs`).
    textractTps: z
      .number()
      .gt(0, { error: "must be the account's DetectDocumentText quota (requests a second, above 0) when ocr.engine is 'textract'" })
      .optional()
      .describe("with `engine: 'textract'` (required then): the account's DetectDocumentText quota, requests a second"),
  })
  .superRefine((ocr, ctx) => {
    if (ocr.engine === 'textract' && ocr.textractTps === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['textractTps'],
        message: "must be the account's DetectDocumentText quota (requests a second, above 0) when ocr.engine is 'textract'",
      });
    }
    if (ocr.engine !== 'tesseract') return;
    ocr.languages.forEach((language, index) => {
      if (!TESSERACT_LANGUAGE.test(language) || shipsTraineddata(language)) return;
      ctx.addIssue({
        code: 'custom',
        path: ['languages', index],
        message: `has no ${TRAINEDDATA_VARIANT} traineddata for '${language}' to ship: npm i --save-exact @tesseract.js-data/${language}`,
      });
    });
  });
export type OcrConfig = z.infer<typeof ocrSchema>;
