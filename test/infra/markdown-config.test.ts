import { describe, expect, it } from 'vitest';
import { CONFIGS, ENVIRONMENT_NAMES, extractionEnvironment, validateConfig, type EnvironmentConfig } from '../../lib/config.js';
import { EXTRACT_ENV } from '../../lambdas/shared/contract.js';
import { loadExtractSettings } from '../../lambdas/shared/env.js';

const withMarkdown = (markdown: Partial<EnvironmentConfig['markdown']>): EnvironmentConfig => ({ ...CONFIGS.dev, markdown: { ...CONFIGS.dev.markdown, ...markdown } });

describe('Markdown config rules', () => {
  it.each(ENVIRONMENT_NAMES)('accepts the %s config', (envName) => {
    expect(() => validateConfig(CONFIGS[envName])).not.toThrow();
  });

  it.each([
    ['a budget under 16 tokens', withMarkdown({ chunkMaxTokens: 8 }), 'markdown.chunkMaxTokens'],
    ['a fractional budget', withMarkdown({ chunkMaxTokens: 100.5 }), 'markdown.chunkMaxTokens'],
    ['an overlap of half the budget', withMarkdown({ chunkMaxTokens: 100, chunkOverlapTokens: 50 }), 'markdown.chunkOverlapTokens'],
    ['a negative overlap', withMarkdown({ chunkOverlapTokens: -1 }), 'markdown.chunkOverlapTokens'],
    ['an unknown tokenizer', withMarkdown({ tokenizer: 'p50k_base' as never }), 'markdown.tokenizer'],
  ])('refuses %s at synth', (_name, config, problem) => {
    expect(() => validateConfig(config)).toThrow(problem);
  });
});

describe('the extractor environment', () => {
  it('carries the Markdown settings, which the function reads back as they were configured', () => {
    // Arrange
    const config = withMarkdown({ enabled: false, chunkMaxTokens: 300, chunkOverlapTokens: 30, tokenizer: 'cl100k_base' });
    const environment = {
      ...extractionEnvironment(config),
      [EXTRACT_ENV.tableName]: 't',
      [EXTRACT_ENV.bucketName]: 'b',
      [EXTRACT_ENV.interactiveShardQueueUrl]: 'q1',
      [EXTRACT_ENV.bulkShardQueueUrl]: 'q2',
    };

    // Act
    const settings = loadExtractSettings(environment);

    // Assert
    expect(settings.markdown).toEqual({ enabled: false, maxTokens: 300, overlapTokens: 30, tokenizer: 'cl100k_base' });
    expect(loadExtractSettings({ ...environment, ...extractionEnvironment(CONFIGS.prod) }).markdown.enabled).toBe(true);
  });
});
