import { describe, expect, it } from 'vitest';
import { CONFIGS } from '../../lib/config.js';
import { LOCAL_CONFIG, localConfigProblems } from '../../local/settings.js';

describe('localConfigProblems', () => {
  it('accepts the config the local runtime imitates', () => {
    expect(localConfigProblems(LOCAL_CONFIG)).toEqual([]);
  });

  it('refuses Textract, which has no emulator, saying what to set instead', () => {
    // Arrange
    const config = { ...CONFIGS.dev, ocr: { ...CONFIGS.dev.ocr, engine: 'textract' as const, textractTps: 5 } };

    // Act
    const problems = localConfigProblems(config);

    // Assert
    expect(problems).toEqual([expect.stringMatching(/^ocr.engine 'textract' cannot run locally: Amazon Textract has no emulator.*'tesseract'.*'off' in the dev config/)]);
  });
});
