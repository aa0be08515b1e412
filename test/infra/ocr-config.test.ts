import { describe, expect, it } from 'vitest';
import { CONFIGS, configProblems, ENVIRONMENT_NAMES, validateConfig, type EnvironmentConfig } from '../../lib/config.js';

const withOcr = (ocr: Partial<EnvironmentConfig['ocr']>): EnvironmentConfig => ({ ...CONFIGS.dev, ocr: { ...CONFIGS.dev.ocr, ...ocr } });

describe('OCR config rules', () => {
  it.each(ENVIRONMENT_NAMES)('accepts the %s config, whose languages all ship traineddata', (envName) => {
    expect(configProblems(CONFIGS[envName])).toEqual([]);
  });

  it.each([
    ['an unknown engine', withOcr({ engine: 'gcv' as never }), 'ocr.engine must be one of tesseract, textract, off'],
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
    expect(configProblems(withOcr({ engine: 'textract', languages: ['deu'] }))).toEqual([]);
  });
});
