import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentsWithConfigTables } from '../../bin/config-docs.js';
import { CONFIGS } from '../../lib/config.js';
import { renderConfigTables, renderTable } from '../../lib/config/docs-tables.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('the configuration tables of the docs', () => {
  const documents = documentsWithConfigTables();

  it('are in the configuration guide, the API guide and the operations guide', () => {
    expect(documents).toEqual(expect.arrayContaining(['docs/configuration.md', 'docs/api.md', 'docs/operations.md']));
  });

  it.each(documents)('%s: every table matches the config (npm run docs:config rewrites them)', (path) => {
    // Arrange
    const text = readFileSync(`${ROOT}${path}`, 'utf8');

    // Act
    const rendered = renderConfigTables(text, path, CONFIGS);

    // Assert
    expect(rendered).toBe(text);
  });
});

describe('renderConfigTables', () => {
  const stale = [
    'Intro.',
    '<!-- config-table: extraction.memoryMb derived -->',
    '| setting | dev | staging | prod | what it does |',
    '| `extraction.memoryMb` | 1 | 1 | 1 | old |',
    '<!-- /config-table -->',
    'Outro.',
    '',
  ].join('\n');

  it('rewrites a table from the environments\' values and the schema\'s descriptions, leaving the rest', () => {
    // Arrange
    const configs = { ...CONFIGS, prod: { ...CONFIGS.prod, extraction: { ...CONFIGS.prod.extraction, memoryMb: 4096 } } };

    // Act
    const rendered = renderConfigTables(stale, 'docs/guide.md', configs);

    // Assert
    expect(rendered).toContain(
      `| \`extraction.memoryMb\` | ${CONFIGS.dev.extraction.memoryMb} | ${CONFIGS.staging.extraction.memoryMb} | 4096 | Lambda memory (and vCPUs: one per 1,769 MB) |`,
    );
    expect(rendered).toMatch(/\| derived: queue visibility timeout \| 721 s \|/);
    expect(rendered.startsWith('Intro.\n<!-- config-table: extraction.memoryMb derived -->\n| setting |')).toBe(true);
    expect(rendered.endsWith('<!-- /config-table -->\nOutro.\n')).toBe(true);
  });

  it('lists the settings in the marker\'s order and leaves out what it excludes', () => {
    // Act
    const table = renderTable('queue observability -observability.alarms -observability.alarmEmail', 'README.md', CONFIGS);

    // Assert
    const settings = [...table.matchAll(/^\| `([\w.]+)`/gm)].map((match) => match[1]);
    expect(settings).toEqual([
      'queue.maxReceiveCount',
      'queue.retentionDays',
      'queue.deadLetterRetentionDays',
      'observability.logRetentionDays',
      'observability.logLevel',
    ]);
  });

  it('links an alarm threshold to its runbook section, relative to the document', () => {
    // Act
    const fromReadme = renderTable('observability.alarms.queueOldestMessageAgeSeconds.bulk', 'README.md', CONFIGS);
    const fromDocs = renderTable('observability.alarms.queueOldestMessageAgeSeconds.bulk', 'docs/operations.md', CONFIGS);

    // Assert
    expect(fromReadme).toContain('[BulkQueueBacklogAging](docs/runbook.md#queuebacklogaging):');
    expect(fromDocs).toContain('[BulkQueueBacklogAging](runbook.md#queuebacklogaging):');
  });

  it('refuses a marker naming a setting the schema does not have', () => {
    expect(() => renderTable('extraction.memoryGb', 'README.md', CONFIGS)).toThrow('config-table: no setting under "extraction.memoryGb"');
  });
});
