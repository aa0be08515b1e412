/** Input abuse: malformed and oversized bodies, and hostile filenames. */
import { describe, expect, it } from 'vitest';
import { uploadKey } from '../../../lambdas/shared/s3-keys.js';
import { createUpload, documentIn, postForm, uploadDirect } from '../../support/api-flows.js';
import { makePdf } from '../../support/pdf-factory.js';
import { accepted, as, documentsOf, expectCase, objectKeys, run, UUID } from './abuse-run.js';

export function describeInputAbuse(): void {
  describe('malformed and oversized bodies (400, 413, 415 in the error shape; nothing stored)', () => {
    it('refuses each one, and the caller has no document', async () => {
      // Arrange
      const client = await as('body-abuser');
      const json = (body: string) => client.raw('POST', '/v1/uploads', { body, headers: { 'Content-Type': 'application/json' } });
      const pdf = makePdf(['a real PDF, wrongly labelled']);
      const NOTHING_STORED = { sideEffectCheck: 'no document, no object' };

      // Act & Assert
      expectCase('bodies', 'upload request with size 0 → 400', await json('{"filename":"a.pdf","size":0}'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
      expectCase('bodies', 'upload request with a negative size → 400', await json('{"filename":"a.pdf","size":-1}'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
      expectCase('bodies', 'upload request with an empty filename → 400', await json('{"filename":"","size":10}'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
      expectCase('bodies', 'upload request with an unknown lane → 400', await json('{"filename":"a.pdf","size":10,"lane":"express"}'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
      expectCase('bodies', 'upload request that is JSON null → 400', await json('null'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
      expectCase('bodies', 'JSON nested 100,000 deep → 400', await json(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
      expectCase('bodies', 'a 2,000-character filename in JSON → 400', await json(JSON.stringify({ filename: `${'a'.repeat(2000)}.pdf`, size: 10 })), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
      expectCase('bodies', 'a cursor that is not base64url → 400', await client.call('listDocuments', { query: { cursor: '!!not*base64~~' } }), 400, { code: 'INVALID_CURSOR', ...NOTHING_STORED });
      expectCase('bodies', 'a PDF sent base64-encoded as the body → 415', await client.call('uploadDocument', {
        body: Buffer.from(pdf).toString('base64'),
        headers: { 'Content-Type': 'application/pdf' },
      }), 415, { code: 'NOT_A_PDF', ...NOTHING_STORED });
      expectCase('bodies', 'an empty PDF body → 400', await client.call('uploadDocument', { body: new Uint8Array(0), headers: { 'Content-Type': 'application/pdf' } }), 400, { code: 'EMPTY_BODY', ...NOTHING_STORED });
      const multipart = new FormData();
      multipart.append('file', new Blob([pdf], { type: 'application/pdf' }), 'a.pdf');
      expectCase('bodies', 'a PDF as multipart/form-data → 415', await client.call('uploadDocument', { body: multipart }), 415, { code: 'UNSUPPORTED_MEDIA_TYPE', ...NOTHING_STORED });
      expectCase('bodies', 'a PDF labelled application/json → 415', await client.raw('POST', '/v1/documents', { body: pdf, headers: { 'Content-Type': 'application/json' } }), 415, { code: 'UNSUPPORTED_MEDIA_TYPE', ...NOTHING_STORED });
      expectCase('bodies', 'JSON labelled text/plain → 415', await client.raw('POST', '/v1/uploads', { body: '{"filename":"a.pdf","size":10}', headers: { 'Content-Type': 'text/plain' } }), 415, { code: 'UNSUPPORTED_MEDIA_TYPE', ...NOTHING_STORED });
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          // 11 MB with no Content-Length: the limit must hold on what arrives, not on what is declared.
          const megabyte = new Uint8Array(1024 * 1024).fill(0x20);
          for (let index = 0; index < 11; index += 1) controller.enqueue(megabyte);
          controller.close();
        },
      });
      const streamed = await client.raw('POST', '/v1/documents', { body: chunks, headers: { 'Content-Type': 'application/pdf' }, duplex: 'half' } as RequestInit);
      expectCase('bodies', '11 MB streamed in chunks without Content-Length → 413', streamed, 413, { code: 'PAYLOAD_TOO_LARGE', ...NOTHING_STORED });

      expect(await documentsOf('body-abuser')).toEqual([]);
      expect((await objectKeys()).filter((key) => key.includes('/body-abuser/'))).toEqual([]);
    });
  });

  describe('hostile filenames (stored for display only, the key chosen by the server)', () => {
    const NAMES: Record<string, { name: string; stored?: string }> = {
      'a path climbing out': { name: '../../etc/passwd', stored: 'passwd' },
      'a Windows path': { name: '..\\..\\Windows\\System32\\config\\SAM', stored: 'SAM' },
      'a percent-encoded path (..%2f), kept literally': { name: '..%2f..%2fetc%2fpasswd', stored: '..%2f..%2fetc%2fpasswd' },
      'NUL bytes': { name: 'report\u0000.pdf\u0000.exe', stored: 'report.pdf.exe' },
      'a 5,000-character name': { name: `${'n'.repeat(5000)}.pdf` },
    };

    it.each(Object.entries(NAMES))('keeps %s out of the object key', async (label, { name, stored }) => {
      // Arrange
      const client = await as('namer');

      // Act
      const answer = await uploadDirect(client, makePdf([label]), { filename: name });

      // Assert
      expectCase('filenames', `direct upload named with ${label} → 202, key chosen by the server`, answer, 202, {
        sideEffectCheck: 'object key is uploads/<owner>/<uuid>.pdf; display name sanitised',
      });
      const documentId = answer.body.documentId as string;
      accepted.add(documentId);
      const record = await run.probe.documents.get(documentId);
      expect(record?.objectKey).toBe(uploadKey('namer', documentId));
      if (stored) expect(record?.filename).toBe(stored);
      expect(Buffer.byteLength(record?.filename ?? '')).toBeLessThanOrEqual(255);
      expect(record?.filename).not.toMatch(/[/\\\u0000]/);
    });

    it('refuses a name with nothing usable in it, storing nothing', async () => {
      const client = await as('namer');
      const before = await documentsOf('namer');

      for (const name of ['\u0000\u0000', '../..', '/']) {
        expectCase('filenames', `a filename of only ${JSON.stringify(name)} → 400`, await uploadDirect(client, makePdf(['x']), { filename: name }), 400, {
          code: 'INVALID_FILENAME',
          sideEffectCheck: 'no document',
        });
      }
      expect((await documentsOf('namer')).sort()).toEqual(before.sort());
    });

    it('pins the presigned POST to the server’s key whatever the filename, and the upload completes there', async () => {
      // Arrange
      const client = await as('namer');
      const pdf = makePdf(['through a presigned POST']);

      // Act
      const answer = await createUpload(client, '../../../uploads/victim/stolen.pdf', pdf.byteLength);
      expectCase('filenames', 'presigned upload named ../../../uploads/victim/stolen.pdf → 201, key chosen by the server', answer, 201, {
        sideEffectCheck: "the form's key is uploads/<owner>/<uuid>.pdf; nothing lands under the victim",
      });
      const documentId = answer.body.documentId as string;
      accepted.add(documentId);
      const posted = await postForm(answer.body.upload, pdf, 'stolen.pdf');

      // Assert
      expect(posted.ok).toBe(true);
      expect(answer.body.upload.fields.key).toBe(uploadKey('namer', documentId));
      expect((await documentIn(client, documentId, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
      expect((await objectKeys()).filter((key) => key.includes('stolen') || key.includes('..'))).toEqual([]);
      const namerKeys = (await objectKeys()).filter((key) => key.includes('/namer/'));
      for (const key of namerKeys) expect(key.split('/').at(-1)!.replace(/\.pdf$/, '')).toMatch(UUID);
    });
  });
}
