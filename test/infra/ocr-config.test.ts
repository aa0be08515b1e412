import { describe, expect, it } from 'vitest';
import { EXTRACT_ENV } from '../../lambdas/shared/contract.js';
import { CONFIGS, ENVIRONMENT_NAMES, extractionEnvironment, ocrConfigProblems, validateConfig, type EnvironmentConfig } from '../../lib/config.js';

const withOcr = (ocr: Partial<EnvironmentConfig['ocr']>): EnvironmentConfig => ({ ...CONFIGS.dev, ocr: { ...CONFIGS.dev.ocr, ...ocr } });

describe('OCR config rules', () => {
  it.each(ENVIRONMENT_NAMES)('accepts the %s config, whose languages all ship traineddata', (envName) => {
    expect(ocrConfigProblems(CONFIGS[envName])).toEqual([]);
  });

  it.each([
    ['an unknown engine', withOcr({ engine: 'gcv' as never }), 'ocr.engine'],
    ['no language', withOcr({ languages: [] }), 'ocr.languages must name'],
    ['a language name that is no Tesseract code', withOcr({ languages: ['English'] }), "'English' is not a Tesseract language code"],
    ['a language whose traineddata is not installed', withOcr({ languages: ['eng', 'deu'] }), 'npm i --save-exact @tesseract.js-data/deu'],
    ['a resolution under 150 DPI', withOcr({ dpi: 96 }), 'ocr.dpi must be 150–300'],
    ['a page budget beyond the page limit', withOcr({ maxPagesPerDocument: 6000 }), 'ocr.maxPagesPerDocument'],
    ['a fractional page budget', withOcr({ maxPagesPerDocument: 2.5 }), 'ocr.maxPagesPerDocument'],
  ])('refuses %s at synth', (_name, config, problem) => {
    expect(() => validateConfig(config)).toThrow(problem);
  });

  it('does not ask for traineddata when Textract reads the pages', () => {
    expect(ocrConfigProblems(withOcr({ engine: 'textract', languages: ['deu'], textractTps: 5 }))).toEqual([]);
  });
});

describe('Textract settings', () => {
  it("asks for the account's DetectDocumentText quota", () => {
    expect(() => validateConfig(withOcr({ engine: 'textract' }))).toThrow("ocr.textractTps must be the account's DetectDocumentText quota");
  });

  it('refuses a quota too small for the pages a document may OCR within its budget', () => {
    // Arrange: dev's 2 + 2 environments of one worker, at one request a second: 4 s a request
    // for each worker, and 20 pages would take 80 s of the 60 s a document has
    const config = withOcr({ engine: 'textract', textractTps: 1, maxPagesPerDocument: 20 });

    // Act & Assert
    expect(() => validateConfig(config)).toThrow(/one request every 4000 ms: 20 pages \(ocr.maxPagesPerDocument\) would take 80 s, more than extraction.documentTimeoutSeconds \(60\)/);
  });

  it("gives the function its workers' least interval between requests, and only with Textract", () => {
    // Arrange: prod has 20 environments of one worker; at 10 requests a second, one every 2 s each
    const prod: EnvironmentConfig = { ...CONFIGS.prod, ocr: { ...CONFIGS.prod.ocr, engine: 'textract', textractTps: 10 } };

    // Act & Assert
    expect(extractionEnvironment(prod)[EXTRACT_ENV.ocrTextractIntervalMs]).toBe('2000');
    expect(extractionEnvironment(CONFIGS.prod)).not.toHaveProperty(EXTRACT_ENV.ocrTextractIntervalMs);
  });
});
