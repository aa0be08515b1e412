/**
 * OCR end to end on the local runtime: a scanned PDF uploaded through the API completes with its
 * pages' text read by OCR, searchable in its pages, with the layout of what was recognised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsPerUser } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { readCorpusFile } from '../support/corpus.js';
import { removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';

let local: TestRuntime;
const as = clientsPerUser(() => local);

beforeAll(async () => {
  local = await startTestRuntime();
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

describe('a scanned document', () => {
  it('completes with OCR text in its pages and layout, and counts its OCR pages', async () => {
    // Arrange
    const client = await as('scanner');

    // Act
    const { body } = await uploadDirect(client, readCorpusFile('038-scanned-linn.pdf'), { filename: 'linn.pdf' });
    const record = await documentIn(client, body.documentId, ['COMPLETED', 'FAILED'], 180_000);
    const pages = await client.call('listDocumentPages', { id: body.documentId });
    const layout = await client.call('getPageLayout', { id: body.documentId, path: { n: 1 } });

    // Assert
    expect(record).toMatchObject({ status: 'COMPLETED', pageCount: 1, ocrPages: 1 });
    expect(pages.body.pages[0]).toMatchObject({ textSource: 'ocr', needsOcr: false, hasText: true });
    expect(pages.body.pages[0].text).toContain('The LinnSequencer is a state-of-the-art composition');
    expect(pages.body.pages[0].ocrConfidence).toBeGreaterThan(80);
    expect(layout.body.source).toBe('ocr');
    const words = layout.body.lines.flatMap((line: { words: { text: string; confidence?: number }[] }) => line.words);
    expect(words.find((word: { text: string }) => word.text === 'LinnSequencer')?.confidence).toBeGreaterThan(50);
  }, 240_000);
});
