/**
 * A document's Markdown and chunks on the local runtime, over HTTP: written when the document
 * completes, read through the API by its owner only, paginated, named in the completion event,
 * and removed with the document.
 */
import { existsSync, readFileSync } from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGS } from '../../lib/config.js';
import type { DocumentEventDetail } from '../../lambdas/shared/document-events.js';
import { documentChunksKey, documentMarkdownKey } from '../../lambdas/shared/s3-keys.js';
import { clientsPerUser } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makeStructuredPdf } from '../support/structured-pdf.js';

let local: TestRuntime;
const as = clientsPerUser(() => local);
const structured = makeStructuredPdf({ seed: 5 });
let documentId: string;

beforeAll(async () => {
  local = await startTestRuntime();
  const owner = await as('markdown-owner');
  const { body } = await uploadDirect(owner, structured.bytes, { filename: 'structured.pdf' });
  documentId = body.documentId;
  await documentIn(owner, documentId, ['COMPLETED']);
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

function completionEvent(id: string): DocumentEventDetail | undefined {
  const file = local.outputs.EventLog;
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { 'detail-type': string; detail: DocumentEventDetail })
    .find((event) => event.detail.documentId === id && event['detail-type'] === 'Document Completed')?.detail;
}

describe('GET /v1/documents/{id}/markdown', () => {
  it("answers the owner the document's headings and paragraphs as text/markdown, running lines left out", async () => {
    // Arrange
    const owner = await as('markdown-owner');

    // Act
    const answer = await owner.call<string>('getDocumentMarkdown', { id: documentId });

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/markdown/);
    for (const block of structured.expected) if (block.type === 'heading') expect(answer.body).toContain(`${'#'.repeat(block.level)} ${block.text}\n`);
    expect(answer.body).toContain('<!-- page 2 -->');
    expect(answer.body).not.toContain(structured.runningHeader);
  });

  it('answers another user and a caller without a token as for a missing document', async () => {
    const intruder = await as('markdown-intruder');

    const theirs = await intruder.call('getDocumentMarkdown', { id: documentId });
    const theirChunks = await intruder.call('listDocumentChunks', { id: documentId });
    const anonymous = await intruder.call('getDocumentMarkdown', { id: documentId, token: null });

    expect(theirs.status).toBe(404);
    expect(theirChunks.status).toBe(404);
    expect(anonymous.status).toBe(401);
  });
});

describe('GET /v1/documents/{id}/chunks', () => {
  it('pages through every chunk with the cursor, each within the configured budget', async () => {
    // Arrange
    const owner = await as('markdown-owner');
    const chunks: { id: string; index: number; tokenCount: number; pageNumbers: number[]; headingPath: string[] }[] = [];
    let cursor: string | undefined;
    let pages = 0;

    // Act
    do {
      const answer = await owner.call('listDocumentChunks', { id: documentId, query: { limit: 2, ...(cursor ? { cursor } : {}) } });
      expect(answer.status).toBe(200);
      chunks.push(...answer.body.chunks);
      expect(answer.body.chunkCount).toBeGreaterThan(0);
      cursor = answer.body.nextCursor;
      pages += 1;
    } while (cursor);

    // Assert
    expect(pages).toBe(Math.ceil(chunks.length / 2));
    expect(chunks.map((chunk) => chunk.index)).toEqual(chunks.map((_, index) => index));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(CONFIGS.dev.markdown.chunkMaxTokens);
      expect(chunk.pageNumbers.every((page) => page >= 1 && page <= structured.pageCount)).toBe(true);
    }
    const firstHeading = structured.expected.find((block) => block.type === 'heading')!;
    expect(chunks[0]!.headingPath[0]).toBe(firstHeading.type === 'heading' ? firstHeading.text : undefined);
  });
});

describe('the completion event and the stored objects', () => {
  it('names the Markdown and chunk objects of the generation, which hold what the API serves', async () => {
    // Arrange
    const owner = await as('markdown-owner');
    const bucket = local.outputs.BucketName;
    await waitFor(() => completionEvent(documentId) !== undefined, { timeoutMs: 60_000, description: 'the completion event' });

    // Act
    const detail = completionEvent(documentId)!;
    const stored = await local.clients.s3.send(new GetObjectCommand({ Bucket: detail.markdown!.bucket, Key: detail.markdown!.key }));

    // Assert
    expect(detail.markdown).toEqual({ bucket, key: documentMarkdownKey(documentId, 1) });
    expect(detail.chunks).toMatchObject({ bucket, key: documentChunksKey(documentId, 1) });
    expect(stored.ContentType).toMatch(/^text\/markdown/);
    expect(await stored.Body!.transformToString()).toBe((await owner.call<string>('getDocumentMarkdown', { id: documentId })).body);
  });

  it("removes the Markdown and chunks with the document's other results when it is deleted", async () => {
    const owner = await as('markdown-owner');
    const prefix = `results/${documentId}/`;
    const resultKeys = async () =>
      ((await local.clients.s3.send(new ListObjectsV2Command({ Bucket: local.outputs.BucketName, Prefix: prefix }))).Contents ?? []).map((object) => object.Key);
    expect(await resultKeys()).toContain(documentMarkdownKey(documentId, 1));

    const deleted = await owner.call('deleteDocument', { id: documentId });

    expect(deleted.status).toBe(202);
    await waitFor(async () => (await resultKeys()).length === 0, { timeoutMs: 60_000, description: 'the purge of the results' });
    expect((await owner.call('getDocumentMarkdown', { id: documentId })).status).toBe(404);
  });
});
