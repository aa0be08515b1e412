import { describe, expect, it } from 'vitest';
import { OcrEnginePool, type OcrEngine } from '../../lambdas/extract/ocr/ocr-engines.js';

const IMAGE = { width: 1, height: 1, data: new Uint8Array(1) };
const PAGE = { width: 612, height: 792 };

/** Engines whose pages finish only when released, each named by its start order. */
function heldEngines() {
  const started: string[] = [];
  const closed: string[] = [];
  const release: (() => void)[] = [];
  const create = (): OcrEngine => {
    const name = `engine ${started.length + 1}`;
    started.push(name);
    return {
      recognise: () => new Promise((resolve) => release.push(() => resolve({ text: name, lines: [], confidence: 90, rotation: 0 }))),
      close: async () => void closed.push(name),
    };
  };
  return { create, started, closed, release };
}

describe('OcrEnginePool', () => {
  it('gives pages read at once engines of their own, up to its size', async () => {
    // Arrange
    const engines = heldEngines();
    const pool = new OcrEnginePool(engines.create, 2);

    // Act: three pages at once, none finished yet
    const readings = [pool.recognise(IMAGE, PAGE), pool.recognise(IMAGE, PAGE), pool.recognise(IMAGE, PAGE)];
    for (const release of engines.release) release();

    // Assert: the third page waits on the least busy engine rather than starting a third
    expect((await Promise.all(readings)).map((reading) => reading.text)).toEqual(['engine 1', 'engine 2', 'engine 1']);
    expect(engines.started).toEqual(['engine 1', 'engine 2']);
  });

  it('reuses an idle engine rather than starting another', async () => {
    // Arrange
    const engines = heldEngines();
    const pool = new OcrEnginePool(engines.create, 4);
    const first = pool.recognise(IMAGE, PAGE);
    engines.release[0]!();
    await first;

    // Act
    const second = pool.recognise(IMAGE, PAGE);
    engines.release[1]!();

    // Assert
    expect((await second).text).toBe('engine 1');
    expect(pool.engines).toBe(1);
  });

  it('closes every engine it started', async () => {
    const engines = heldEngines();
    const pool = new OcrEnginePool(engines.create, 2);
    const readings = [pool.recognise(IMAGE, PAGE), pool.recognise(IMAGE, PAGE)];
    for (const release of engines.release) release();
    await Promise.all(readings);

    await pool.close();

    expect(engines.closed.sort()).toEqual(['engine 1', 'engine 2']);
    expect(pool.engines).toBe(0);
  });
});
