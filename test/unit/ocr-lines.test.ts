/**
 * A page's text layer and its OCR together: the OCR lines (read from the page rendered without
 * its text) join the text layer's lines top to bottom.
 */
import { describe, expect, it } from 'vitest';
import { mergeOcrLines, textOfLines } from '../../lambdas/extract/ocr/ocr-lines.js';
import type { Box, LayoutLine } from '../../lambdas/shared/page-layout.js';

const line = (text: string, box: Box, confidence?: number): LayoutLine => ({
  box,
  words: text.split(' ').map((word) => ({ text: word, box, ...(confidence === undefined ? {} : { confidence }) })),
});

describe('mergeOcrLines', () => {
  it('joins the text layer and the words read inside its pictures in reading order, top to bottom', () => {
    // Arrange: an annotation drawn as text across a screenshot, whose caption OCR read.
    const annotation = line('Produced with a trial version', [10, 8, 300, 16]);
    const captionTop = line('When you open a ticket,', [40, 5, 260, 20], 93);
    const captionBottom = line('fix the issue and close it', [40, 40, 260, 55], 95);

    // Act
    const merged = mergeOcrLines([annotation], [captionBottom, captionTop]);

    // Assert
    expect(merged).toEqual([captionTop, annotation, captionBottom]);
    expect(textOfLines(merged)).toBe('When you open a ticket,\nProduced with a trial version\nfix the issue and close it');
  });
});
