/** What clients do with the API, for the end-to-end tests: upload both ways, wait for a status. */
import { expect } from 'vitest';
import { uploadForm } from '../../api-client/api-client.js';
import type { ApiClient } from './api-client.js';
import { waitFor } from './local-runtime.js';

export async function uploadDirect(client: ApiClient, pdf: Uint8Array, options: { filename?: string; idempotencyKey?: string } = {}) {
  return client.call('uploadDocument', {
    body: pdf,
    headers: { 'Content-Type': 'application/pdf', ...(options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {}) },
    query: options.filename === undefined ? {} : { filename: options.filename },
  });
}

export async function createUpload(client: ApiClient, filename: string, size: number) {
  return client.call('createUpload', {
    body: JSON.stringify({ filename, size }),
    headers: { 'Content-Type': 'application/json' },
  });
}

/** A browser's form upload to a presigned POST: every field, then the file last (multipart/form-data). */
export async function postForm(upload: { url: string; fields: Record<string, string> }, pdf: Uint8Array, filename: string): Promise<Response> {
  return fetch(upload.url, { method: 'POST', body: uploadForm(upload, pdf, filename) });
}

/** Polls `GET /v1/documents/{id}` until the document reaches one of `statuses`. */
export async function documentIn(client: ApiClient, documentId: string, statuses: readonly string[], timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const answer = await client.call('getDocument', { id: documentId });
      expect(answer.status).toBe(200);
      return statuses.includes(answer.body.status) ? answer.body : undefined;
    },
    { timeoutMs, intervalMs: 200, description: `document ${documentId} to be ${statuses.join(' or ')}` },
  );
}
