/**
 * The configuration tables of the docs, generated from the schema and the environments' values,
 * so they cannot disagree with `lib/config/`. A table sits between markers that say what it lists:
 *
 *     <!-- config-table: extraction queue -extraction.sharding derived -->
 *     …generated…
 *     <!-- /config-table -->
 *
 * Each word selects the settings under a path (a section, or deeper); `-path` leaves some out;
 * `derived` adds the settings that follow from the others. `npm run docs:config` rewrites every
 * table; a test fails when one has drifted.
 */
import { posix } from 'node:path';
import type { z } from 'zod';
import { ALARM_NAMES } from '../constructs/monitoring/alarm-catalog.js';
import { deriveSettings } from './derived.js';
import { environmentConfigSchema, ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentName } from './schema.js';

const MB = 1024 * 1024;
const TABLE = /(<!-- config-table: ([^>]*?) -->\n)[\s\S]*?(<!-- \/config-table -->)/g;

/** One row: a setting's path, its description, and how to read its value from a config. */
interface Row {
  readonly path: string;
  readonly description: string;
  readonly valueOf: (config: EnvironmentConfig) => unknown;
  /** Values are shown as they are (derived figures carry their unit). */
  readonly literal?: boolean;
}

/** The settings that follow from the others, by rule (`lib/config/derived.ts`). */
const DERIVED: readonly Row[] = [
  {
    path: 'derived: queue visibility timeout',
    description: 'of the lane queues: 6 × `extraction.timeoutSeconds` + `maxBatchingWindowSeconds`',
    valueOf: (config) => `${deriveSettings(config).queueVisibilityTimeoutSeconds} s`,
    literal: true,
  },
  {
    path: 'derived: extractor concurrency cap',
    description: "`reservedConcurrency`, else the lanes' maximums together",
    valueOf: (config) => String(deriveSettings(config).extractionConcurrencyCap),
    literal: true,
  },
  {
    path: 'derived: metrics namespace',
    description: "the functions' custom metrics, apart per environment",
    valueOf: (config) => `\`${deriveSettings(config).metricsNamespace}\``,
    literal: true,
  },
  {
    path: 'derived: event `source`',
    description: 'of the document events, apart per environment',
    valueOf: (config) => `\`${deriveSettings(config).documentEventSource}\``,
    literal: true,
  },
];

type Schema = z.ZodType & { def: { type: string; innerType?: Schema; shape?: Record<string, Schema> } };

/** The schema under optional and readonly wrappers. */
function unwrap(schema: Schema): Schema {
  const { type, innerType } = schema.def;
  return (type === 'optional' || type === 'readonly') && innerType ? unwrap(innerType) : schema;
}

/** Every setting as a row, in schema order: objects without a description of their own are opened. */
function settingRows(schema: Schema, path: string[] = []): Row[] {
  const inner = unwrap(schema);
  if (inner.def.type === 'object' && (path.length === 0 || !schema.description)) {
    return Object.entries(inner.def.shape ?? {}).flatMap(([key, field]) => settingRows(field, [...path, key]));
  }
  return [
    {
      path: path.join('.'),
      description: schema.description ?? inner.description ?? '',
      valueOf: (config) => path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config),
    },
  ];
}

const ALL_ROWS = settingRows(environmentConfigSchema as unknown as Schema).filter((row) => row.description !== '');

function formatValue(path: string, value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return path.endsWith('Bytes') && value % MB === 0 ? `${value / MB} MB` : String(value);
  if (typeof value === 'string') return `\`${value}\``;
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((item) => formatValue(path, item)).join(', ');
  return Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${key} ${formatValue(key, item)}`)
    .join(', ');
}

/** Links a description that starts with an alarm's name to its runbook section. */
function linkAlarm(description: string, docPath: string): string {
  const name = ALARM_NAMES.find((alarm) => description.startsWith(`${alarm}:`) || description.startsWith(`${alarm} (`));
  if (!name) return description;
  const runbook = posix.relative(posix.dirname(docPath), 'docs/runbook.md');
  const anchor = name.replace(/^Bulk/, '').toLowerCase();
  return `[${name}](${runbook}#${anchor})${description.slice(name.length)}`;
}

/** The rows a marker's words select, in the marker's order (derived rows last). */
export function selectRows(selection: string): Row[] {
  const words = selection.split(/\s+/).filter(Boolean);
  const included = words.filter((word) => !word.startsWith('-') && word !== 'derived');
  const excluded = words.filter((word) => word.startsWith('-')).map((word) => word.slice(1));
  const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);
  for (const prefix of [...included, ...excluded]) {
    if (!ALL_ROWS.some((row) => under(row.path, prefix))) throw new Error(`config-table: no setting under "${prefix}"`);
  }
  // In the marker's order, each path's settings in schema order.
  const rows = included.flatMap((prefix) => ALL_ROWS.filter((row) => under(row.path, prefix)));
  const kept = [...new Set(rows)].filter((row) => !excluded.some((prefix) => under(row.path, prefix)));
  return words.includes('derived') ? [...kept, ...DERIVED] : kept;
}

/** The table (markdown) of the rows a marker selects, one column per environment. */
export function renderTable(
  selection: string,
  docPath: string,
  configs: Readonly<Record<EnvironmentName, EnvironmentConfig>>,
): string {
  const header = `| setting | ${ENVIRONMENT_NAMES.join(' | ')} | what it does |\n| --- | ${ENVIRONMENT_NAMES.map(() => '---').join(' | ')} | --- |\n`;
  const lines = selectRows(selection).map((row) => {
    const values = ENVIRONMENT_NAMES.map((envName) => {
      const value = row.valueOf(configs[envName]);
      return row.literal ? String(value) : formatValue(row.path, value);
    });
    const setting = row.path.startsWith('derived') ? row.path : `\`${row.path}\``;
    return `| ${setting} | ${values.join(' | ')} | ${linkAlarm(row.description, docPath).replace(/\|/g, '\\|')} |\n`;
  });
  return header + lines.join('');
}

/** A document with every config table regenerated (`docPath` relative to the project root). */
export function renderConfigTables(
  text: string,
  docPath: string,
  configs: Readonly<Record<EnvironmentName, EnvironmentConfig>>,
): string {
  return text.replace(TABLE, (_table, open: string, selection: string, close: string) => open + renderTable(selection, docPath, configs) + close);
}

/** Whether a document has config tables at all. */
export const hasConfigTables = (text: string): boolean => new RegExp(TABLE.source).test(text);
