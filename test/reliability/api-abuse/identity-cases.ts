/** Identity abuse: tokens that must not pass, and one user reaching for another's document. */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadKey } from '../../../lambdas/shared/s3-keys.js';
import { LOCAL_AUTH, LocalAuthority } from '../../../local/gateway/local-auth.js';
import { ApiClient } from '../../support/api-client.js';
import { documentIn, uploadDirect } from '../../support/api-flows.js';
import { makeStateDir, removeStateDir } from '../../support/local-runtime.js';
import { makePdf } from '../../support/pdf-factory.js';
import { accepted, as, documentsOf, expectCase, objectKeys, run, signWithRuntimeKey } from './abuse-run.js';

export function describeIdentityAbuse(): void {
  describe('tokens that must not pass (401 on an upload, and nothing stored)', () => {
    it('refuses each one before the function runs, leaving no document or object', async () => {
      // Arrange
      const forgerDir = makeStateDir();
      const forger = await LocalAuthority.open(forgerDir);
      const valid = await run.local.runtime.api.authority.issue('token-abuser');
      const other = await run.local.runtime.api.authority.issue('someone-else');
      const [, payload] = valid.split('.');
      const tokens: Record<string, string | null> = {
        'no Authorization header': null,
        'signed with another key (forged)': await forger.issue('token-abuser'),
        expired: await run.local.runtime.api.authority.issue('token-abuser', { ttlSeconds: -5 }),
        'alg:none, unsigned': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`,
        'issued to another app client (wrong audience)': await signWithRuntimeKey({ client_id: 'another-app-client' }),
        'another issuer': await signWithRuntimeKey({}, { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_attacker' }),
        'an ID token, not an access token': await signWithRuntimeKey({ token_use: 'id', aud: LOCAL_AUTH.clientId }),
        "one user's claims under another's signature": `${other.split('.').slice(0, 2).join('.')}.${valid.split('.')[2]}`,
      };
      const client = new ApiClient(run.local.outputs.ApiUrl);
      const keysBefore = await objectKeys();

      try {
        for (const [name, token] of Object.entries(tokens)) {
          // Act
          const answer = await uploadDirect(client.withToken(token ?? undefined), makePdf([name]));

          // Assert
          expectCase('tokens', `${name} → 401`, answer, 401, { code: 'UNAUTHORIZED', sideEffectCheck: 'no document, no object' });
          expect(answer.headers.get('www-authenticate')).toBe('Bearer');
        }
        expect(await documentsOf('token-abuser')).toEqual([]);
        expect(await objectKeys()).toEqual(keysBefore);
      } finally {
        removeStateDir(forgerDir);
      }
    });
  });

  describe("one user reaching for another's document", () => {
    let victim: ApiClient;
    let intruder: ApiClient;
    let documentId: string;

    beforeAll(async () => {
      victim = await as('victim');
      intruder = await as('intruder');
      const answer = await uploadDirect(victim, makePdf(['the victim’s private page']), { filename: 'private.pdf', idempotencyKey: 'victim-upload-1' });
      documentId = answer.body.documentId;
      accepted.add(documentId);
      await documentIn(victim, documentId, ['COMPLETED']);
    });

    it('gets the missing-document 404 for every route, and the document, its pages, its object and the audit trail are unchanged', async () => {
      // Arrange
      const record = await run.probe.documents.get(documentId);
      const pages = await run.probe.pages(documentId);
      const key = uploadKey('victim', documentId);
      const object = await run.local.clients.s3.send(new HeadObjectCommand({ Bucket: run.local.outputs.BucketName, Key: key }));
      const missing = await intruder.call('getDocument', { id: randomUUID() });

      // Act
      for (const operationId of ['getDocument', 'listDocumentPages', 'downloadDocumentFile', 'deleteDocument', 'reprocessDocument'] as const) {
        const answer = await intruder.call(operationId, { id: documentId });
        expectCase('cross-user access', `${operationId} of another user's document → 404`, answer, 404, {
          code: 'NOT_FOUND',
          sideEffectCheck: 'record, pages, object and audit trail unchanged',
        });
        expect(answer.body).toEqual(missing.body);
      }
      const upperCase = await intruder.call('getDocument', { id: documentId.toUpperCase() });
      expectCase('cross-user access', 'the id in upper case → 404', upperCase, 404, { code: 'NOT_FOUND' });
      const listed = await intruder.call('listDocuments');

      // Assert
      expect(listed.body.documents).toEqual([]);
      expect(await run.probe.documents.get(documentId)).toEqual(record);
      expect(await run.probe.pages(documentId)).toEqual(pages);
      const after = await run.local.clients.s3.send(new HeadObjectCommand({ Bucket: run.local.outputs.BucketName, Key: key }));
      expect(after.ETag).toBe(object.ETag);
      const { items } = await run.audit.query({ documentId, limit: 100 }, new Date());
      const byIntruder = items.filter((entry) => entry.actor === 'intruder');
      expect(byIntruder.every((entry) => entry.outcome.status === 404)).toBe(true);
      expect(items.filter((entry) => entry.actor !== 'victim' && entry.outcome.status < 400)).toEqual([]);
    });

    it("gets a document of its own, not the victim's, when it replays the victim's Idempotency-Key and body", async () => {
      // Act
      const answer = await uploadDirect(intruder, makePdf(['the victim’s private page']), { filename: 'private.pdf', idempotencyKey: 'victim-upload-1' });

      // Assert
      expectCase('cross-user access', "another user's Idempotency-Key and body → 202, a new document of the caller's", answer, 202, {
        sideEffectCheck: "not replayed; the victim's record unchanged",
      });
      expect(answer.headers.get('idempotent-replayed')).toBeNull();
      expect(answer.body.documentId).not.toBe(documentId);
      accepted.add(answer.body.documentId);
      expect((await run.probe.documents.get(answer.body.documentId))?.ownerId).toBe('intruder');
      expect((await run.probe.documents.get(documentId))?.ownerId).toBe('victim');
    });
  });
}
