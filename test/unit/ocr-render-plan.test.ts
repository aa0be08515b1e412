import { describe, expect, it } from 'vitest';
import { decideOcr, planRender, plausibleWordRatio } from '../../lambdas/extract/ocr/render-plan.js';

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

describe('plausibleWordRatio', () => {
  it('scores prose, numbers and punctuation-edged words as words', () => {
    expect(plausibleWordRatio('The LinnSequencer is a state-of-the-art tool (1984), priced $4,995.')).toBeGreaterThan(0.85);
  });

  it('scores a junk OCR layer low (corpus 045)', () => {
    expect(plausibleWordRatio('sw | \\ + 400 + 300 200 4 —esupport BH No vote{note 1] t= Oppose SeNet{note 2]')).toBeLessThan(0.6);
  });

  it('ignores bidi marks around right-to-left text', () => {
    expect(plausibleWordRatio('\u202bحبيبي\u202c \u202bhabibi\u202c')).toBe(1);
  });
});

describe('decideOcr', () => {
  const noImages = { invisibleText: '', imageCoverage: 0 };

  it('OCRs a page with no usable text', () => {
    expect(decideOcr({ ...noImages, visibleChars: 0, imageCoverage: 1 })).toEqual({ ocr: true, reason: 'no-text' });
    expect(decideOcr({ ...noImages, visibleChars: 12 })).toEqual({ ocr: true, reason: 'no-text' });
  });

  it('never OCRs a page with real text, even over a picture', () => {
    expect(decideOcr({ ...noImages, visibleChars: 2_400 })).toEqual({ ocr: false });
    expect(decideOcr({ visibleChars: 900, invisibleText: '', imageCoverage: 0.8 })).toEqual({ ocr: false });
  });

  it('OCRs a scan whose only text is a watermark (corpus 047)', () => {
    // Arrange: 67 visible characters over an image covering 64 % of the page
    const layer = { visibleChars: 67, invisibleText: '', imageCoverage: 0.64 };

    // Act & Assert
    expect(decideOcr(layer)).toEqual({ ocr: true, reason: 'scan-with-little-text' });
  });

  it('leaves a short caption beside a small picture alone', () => {
    expect(decideOcr({ visibleChars: 60, invisibleText: '', imageCoverage: 0.2 })).toEqual({ ocr: false });
  });

  it('re-recognises a scan under a junk invisible OCR layer (corpus 045)', () => {
    // Arrange: the invisible text ocrmypdf left on a graph
    const invisibleText = 'sw | \\ + 400 + 300 200 4 —esupport BH No vote{note 1] t= Oppose SeNet{note 2] Percentage [note 3]';

    // Act & Assert
    expect(decideOcr({ visibleChars: 0, invisibleText, imageCoverage: 0.95 })).toEqual({ ocr: true, reason: 'junk-ocr-layer' });
  });

  it('keeps a good invisible OCR layer as the page text', () => {
    const invisibleText = 'The LinnSequencer is a state-of-the-art composition and performance tool for the professional musician.';

    expect(decideOcr({ visibleChars: 0, invisibleText, imageCoverage: 1 })).toEqual({ ocr: false });
  });
});
