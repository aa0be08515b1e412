import { describe, expect, it } from 'vitest';
import { planRender } from '../../lambdas/extract/ocr/render-plan.js';

const LETTER = { width: 612, height: 792 };

describe('planRender', () => {
  it('renders an ordinary page at the configured resolution', () => {
    // Act
    const plan = planRender(LETTER, { dpi: 150 });

    // Assert
    expect(plan).toEqual({ width: 1275, height: 1650, dpi: 150, scaledDown: false });
  });

  it("follows the scan's own resolution within 150–300 DPI", () => {
    expect(planRender(LETTER, {}, { sourceDpi: 300 }).dpi).toBe(300);
    expect(planRender(LETTER, {}, { sourceDpi: 600 }).dpi).toBe(300);
    expect(planRender(LETTER, {}, { sourceDpi: 72 }).dpi).toBe(150);
  });

  it('scales a page over the pixel cap down to fit it, rather than refusing it', () => {
    // Arrange: corpus 043's 2160-pt page, 9,000 × 9,000 px at 300 DPI
    const enormous = { width: 2160, height: 2160 };

    // Act
    const plan = planRender(enormous, { maxPixels: 25_000_000 }, { sourceDpi: 300 });

    // Assert
    expect(plan.scaledDown).toBe(true);
    expect(plan.width * plan.height).toBeLessThanOrEqual(25_000_000);
    expect(plan.width * plan.height).toBeGreaterThan(24_900_000);
    expect(plan.dpi).toBeCloseTo(166.7, 0);
  });

  it('goes below the lowest resolution when the cap demands it', () => {
    // Act
    const plan = planRender({ width: 14_400, height: 14_400 }, { maxPixels: 25_000_000 });

    // Assert: a 200-inch square page at 25 dpi
    expect(plan.dpi).toBeLessThan(150);
    expect(plan.width * plan.height).toBeLessThanOrEqual(25_000_000);
  });

  it('refuses an empty page and inconsistent limits with a clear error', () => {
    expect(() => planRender({ width: 0, height: 792 })).toThrow(/0 × 792 pt/);
    expect(() => planRender(LETTER, { minDpi: 300, maxDpi: 150 })).toThrow(/inconsistent/);
  });
});
