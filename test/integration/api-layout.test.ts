/**
 * `GET /v1/documents/{id}/pages/{n}/layout` end to end over HTTP against the local runtime: the
 * layout the extractor stored in S3 for each page, its errors, and its owner's privacy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsPerUser } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';
import { makePlacedTextPdf } from '../support/pdf-factory.js';

let local: TestRuntime;
const as = clientsPerUser(() => local);

beforeAll(async () => {
  local = await startTestRuntime();
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

const twoPages = makePlacedTextPdf([
  [
    { text: 'Quarterly Report', x: 72, y: 720, size: 20, bold: true },
    { text: 'Revenue grew in every region.', x: 72, y: 690 },
  ],
  [{ text: 'Second page', x: 72, y: 720 }],
]);

describe('page layout', () => {
  it("returns each page's lines and words with boxes, as the extractor read them", async () => {
    // Arrange
    const client = await as('layout-owner');
    const { body } = await uploadDirect(client, twoPages, { filename: 'report.pdf' });
    await documentIn(client, body.documentId, ['COMPLETED']);

    // Act
    const first = await client.call('getPageLayout', { id: body.documentId, path: { n: 1 } });
    const second = await client.call('getPageLayout', { id: body.documentId, path: { n: 2 } });

    // Assert
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, pageNumber: 1, width: 612, height: 792, source: 'text-layer' });
    expect(first.body.lines.map((line: { words: { text: string }[] }) => line.words.map((word) => word.text).join(' '))).toEqual([
      'Quarterly Report',
      'Revenue grew in every region.',
    ]);
    expect(first.body.lines[0].words[0]).toMatchObject({ text: 'Quarterly', size: 20, bold: true });
    expect(second.body.lines[0].words.map((word: { text: string }) => word.text)).toEqual(['Second', 'page']);
  });

  it('answers 404 for a page the document does not have and 400 for one that is no number', async () => {
    const client = await as('layout-owner');
    const { body } = await uploadDirect(client, twoPages);
    await documentIn(client, body.documentId, ['COMPLETED']);

    const beyond = await client.call('getPageLayout', { id: body.documentId, path: { n: 3 } });
    const malformed = await client.call('getPageLayout', { id: body.documentId, path: { n: 'first' } });

    expect(beyond).toMatchObject({ status: 404, body: { error: { code: 'PAGE_NOT_FOUND' } } });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PAGE_NUMBER' } } });
  });

  it("is another user's missing document: the same 404 as for an id that does not exist", async () => {
    const owner = await as('layout-owner');
    const intruder = await as('layout-intruder');
    const { body } = await uploadDirect(owner, twoPages);
    await documentIn(owner, body.documentId, ['COMPLETED']);

    const theirs = await intruder.call('getPageLayout', { id: body.documentId, path: { n: 1 } });
    const missing = await intruder.call('getPageLayout', { id: '00000000-0000-4000-8000-000000000000', path: { n: 1 } });

    expect(theirs).toMatchObject({ status: 404 });
    expect(theirs.body).toEqual(missing.body);
  });
});
