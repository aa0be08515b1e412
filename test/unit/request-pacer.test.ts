import { describe, expect, it } from 'vitest';
import { RequestPacer, type PacerClock } from '../../lambdas/extract/ocr/request-pacer.js';

/** A clock that stands still until advanced; sleeps are recorded and return at once. */
function fakeClock(): PacerClock & { readonly sleeps: number[]; advance(ms: number): void } {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => void sleeps.push(ms),
    advance: (ms) => void (now += ms),
  };
}

describe('RequestPacer', () => {
  it('lets the first request go at once', async () => {
    const clock = fakeClock();

    await new RequestPacer(500, clock).turn();

    expect(clock.sleeps).toEqual([]);
  });

  it('spaces requests made at once by the interval, in the order they asked', async () => {
    // Arrange
    const clock = fakeClock();
    const pacer = new RequestPacer(500, clock);

    // Act: three callers ask at the same moment
    await Promise.all([pacer.turn(), pacer.turn(), pacer.turn()]);

    // Assert: the first goes at once, the others 500 ms and 1,000 ms later
    expect(clock.sleeps).toEqual([500, 1_000]);
  });

  it('does not hold a request that comes after the interval has passed', async () => {
    // Arrange
    const clock = fakeClock();
    const pacer = new RequestPacer(500, clock);
    await pacer.turn();
    clock.advance(800);

    // Act
    await pacer.turn();

    // Assert
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up waiting when the document deadline has passed', async () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline'));

    await expect(new RequestPacer(500, fakeClock()).turn(controller.signal)).rejects.toThrow('deadline');
  });

  it('refuses a negative interval', () => {
    expect(() => new RequestPacer(-1)).toThrow(RangeError);
  });
});
