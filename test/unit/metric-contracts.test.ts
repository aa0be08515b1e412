import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAMBDAS = new URL('../../lambdas/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every `addMetric(<first argument>` in the functions' code, with where it is. */
function emittedMetricNames(): { file: string; name: string }[] {
  return sourceFiles(LAMBDAS).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\.addMetric\(\s*([^,]+),/g)].map((match) => ({
      file: relative(LAMBDAS, file),
      name: match[1]!.trim(),
    })),
  );
}

describe('the metrics the functions emit', () => {
  it('finds the functions\' metrics to check', () => {
    // Act & Assert: a pattern that matched nothing would pass the test below vacuously.
    expect(emittedMetricNames().length).toBeGreaterThan(20);
  });

  it('names each by its function\'s contract, never by a string of its own', () => {
    // Act
    const undeclared = emittedMetricNames().filter(({ name }) => !/^[A-Z_]+_METRICS\.\w+$/.test(name));

    // Assert
    expect(undeclared).toEqual([]);
  });
});
