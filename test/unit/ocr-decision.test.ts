/**
 * Which pages are OCRed: the rule over what a page's text layer says (visible characters, an
 * invisible OCR layer, the share of the page under pictures).
 */
import { describe, expect, it } from 'vitest';
import { decideOcr, plausibleWordRatio } from '../../lambdas/extract/ocr/ocr-decision.js';

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
  const noLayer = { invisibleText: '' };

  it('OCRs a page with next to no text over a picture: a scan', () => {
    expect(decideOcr({ ...noLayer, visibleChars: 0, imageCoverage: 1 })).toEqual({ ocr: true, reason: 'no-text' });
    expect(decideOcr({ ...noLayer, visibleChars: 12, imageCoverage: 0.15 })).toEqual({ ocr: true, reason: 'no-text' });
  });

  it('leaves a blank page, or a word or two without a picture, alone: there is nothing more to read', () => {
    expect(decideOcr({ ...noLayer, visibleChars: 0, imageCoverage: 0 })).toEqual({ ocr: false });
    expect(decideOcr({ ...noLayer, visibleChars: 5, imageCoverage: 0.05 })).toEqual({ ocr: false });
  });

  it('never OCRs a page with real text, even over a picture', () => {
    expect(decideOcr({ ...noLayer, visibleChars: 2_400, imageCoverage: 0 })).toEqual({ ocr: false });
    expect(decideOcr({ ...noLayer, visibleChars: 200, imageCoverage: 1 })).toEqual({ ocr: false });
  });

  it('OCRs a picture covering a fifth of the page beside a one-line annotation (corpus 047)', () => {
    // Arrange: 60 visible characters (the annotation) beside a screenshot covering 22.5 % of the page
    const layer = { ...noLayer, visibleChars: 60, imageCoverage: 0.225 };

    // Act & Assert
    expect(decideOcr(layer)).toEqual({ ocr: true, reason: 'image-with-little-text' });
  });

  it('leaves a caption beside a small picture alone', () => {
    expect(decideOcr({ ...noLayer, visibleChars: 60, imageCoverage: 0.12 })).toEqual({ ocr: false });
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
