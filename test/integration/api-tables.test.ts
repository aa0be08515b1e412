/** `GET /v1/documents/{id}/tables` over HTTP against the local runtime: JSON, CSV, errors, privacy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsPerUser } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { readCorpusFile } from '../support/corpus.js';
import { removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';

let local: TestRuntime;
const as = clientsPerUser(() => local);
let documentId: string;

beforeAll(async () => {
  local = await startTestRuntime();
  const owner = await as('table-owner');
  const { body } = await uploadDirect(owner, readCorpusFile('021-table-twotables.pdf'), { filename: 'tables.pdf' });
  documentId = body.documentId;
  await documentIn(owner, documentId, ['COMPLETED']);
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

describe('document tables', () => {
  it('lists every table with its page, kind, rows and cells', async () => {
    const owner = await as('table-owner');

    const answer = await owner.call('listDocumentTables', { id: documentId });

    expect(answer.status).toBe(200);
    expect(answer.body.tables).toHaveLength(2);
    expect(answer.body.tables[0]).toMatchObject({ index: 1, pages: [1], kind: 'ruled' });
    expect(answer.body.tables[0].rows[2]).toEqual(['当期首残高', '5,664', '749', '12,017', '△747', '17,683']);
    expect(answer.body.tables[0].cells.length).toBeGreaterThan(10);
  });

  it('returns one table as CSV, quoting cells that hold commas', async () => {
    const owner = await as('table-owner');
    const token = await local.runtime.api.authority.issue('table-owner');

    const response = await fetch(owner.url(`/v1/documents/${documentId}/tables`, { format: 'csv', table: 1 }), {
      headers: { Authorization: `Bearer ${token}` },
    });
    const csv = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.split('\r\n')[2]).toBe('当期首残高,"5,664",749,"12,017",△747,"17,683"');
  });

  it('answers 400 for CSV without a table, 404 past the last table, and 404 to another user', async () => {
    const owner = await as('table-owner');
    const intruder = await as('table-intruder');

    const noTable = await owner.call('listDocumentTables', { id: documentId, query: { format: 'csv' } });
    const beyond = await owner.call('listDocumentTables', { id: documentId, query: { format: 'csv', table: 3 } });
    const theirs = await intruder.call('listDocumentTables', { id: documentId });

    expect(noTable).toMatchObject({ status: 400, body: { error: { code: 'INVALID_QUERY' } } });
    expect(beyond).toMatchObject({ status: 404, body: { error: { code: 'TABLE_NOT_FOUND' } } });
    expect(theirs.status).toBe(404);
  });
});
