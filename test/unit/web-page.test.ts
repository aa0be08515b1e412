/**
 * The web uploader's decisions, without a browser: which route a file takes, how often a
 * document is polled, how failures read, what `config.json` must hold, and the PKCE sign-in.
 */
import { describe, expect, it } from 'vitest';
import { ApiRequestError, ApiUnreachableError } from '../../api-client/api-client.js';
import type { WebhookSummary } from '../../api-client/api-types.js';
import { PageConfigError, parsePageConfig } from '../../web/src/page-config.js';
import { authorizeUrl, codeChallenge, logoutUrl, randomUrlSafe, tokenRequest } from '../../web/src/pkce.js';
import { describeError, describeFailure, formatBytes, looksLikePdf, planUpload, pollDelayMs, progressPercent } from '../../web/src/uploads.js';
import { webhookRow } from '../../web/src/webhooks.js';
import { progressLabel, progressShare } from '../../web/src/document-progress.js';

const LIMITS = { maxDirectUploadBytes: 4 * 1024 * 1024, maxUploadBytes: 100 * 1024 * 1024 };
const pdf = (size: number, name = 'report.pdf', type = 'application/pdf') => ({ name, size, type });

describe('planUpload', () => {
  it('sends files up to the direct limit in the request body', () => {
    expect(planUpload(pdf(1), LIMITS)).toEqual({ route: 'direct' });
    expect(planUpload(pdf(LIMITS.maxDirectUploadBytes), LIMITS)).toEqual({ route: 'direct' });
  });

  it('sends larger files by presigned POST, up to the API’s limit', () => {
    expect(planUpload(pdf(LIMITS.maxDirectUploadBytes + 1), LIMITS)).toEqual({ route: 'presigned' });
    expect(planUpload(pdf(LIMITS.maxUploadBytes), LIMITS)).toEqual({ route: 'presigned' });
  });

  it('refuses what the API would refuse, saying why, before a byte is sent', () => {
    expect(planUpload(pdf(LIMITS.maxUploadBytes + 1), LIMITS)).toEqual({ refused: 'Too large: 100 MB, the limit is 100 MB.' });
    expect(planUpload(pdf(0), LIMITS)).toEqual({ refused: 'The file is empty.' });
    expect(planUpload(pdf(10, 'notes.txt', 'text/plain'), LIMITS)).toEqual({ refused: 'Not a PDF: choose files ending in .pdf.' });
  });
});

describe('looksLikePdf', () => {
  it.each([
    ['report.pdf', 'application/pdf', true],
    ['REPORT.PDF', '', true],
    ['scan.pdf', 'application/octet-stream', true],
    ['report', 'application/pdf', true],
    ['report.pdf', 'text/html', false],
    ['report.docx', '', false],
  ])('%s (%s): %s', (name, type, expected) => {
    expect(looksLikePdf({ name, type })).toBe(expected);
  });
});

describe('pollDelayMs', () => {
  it('starts at half a second and grows by half each time', () => {
    expect([0, 1, 2, 3].map((attempt) => pollDelayMs(attempt))).toEqual([500, 750, 1125, 1688]);
  });

  it('never waits more than 5 seconds', () => {
    expect(pollDelayMs(50)).toBe(5_000);
  });
});

describe('describeFailure', () => {
  it('uses the API’s error shape: its message, then its code', () => {
    const body = { error: { code: 'PAYLOAD_TOO_LARGE', message: 'The PDF is larger than 4 MB.' } };

    expect(describeFailure(413, body)).toBe('The PDF is larger than 4 MB. (PAYLOAD_TOO_LARGE)');
  });

  it('says when to try again on a throttled answer', () => {
    const body = { error: { code: 'UPLOAD_QUOTA_EXCEEDED', message: 'Too many uploads this minute.' } };

    expect(describeFailure(429, body, 12)).toBe('Too many uploads this minute. (UPLOAD_QUOTA_EXCEEDED) Try again in 12 s.');
  });

  it('falls back to the status for other bodies, and to the network when nothing answered', () => {
    expect(describeFailure(502, '<html>Bad gateway</html>')).toBe('The server answered 502.');
    expect(describeFailure(0, undefined)).toBe('The request did not reach the server: check the connection.');
  });
});

describe('describeError', () => {
  it('reads the typed client’s refusals as describeFailure does, and names a dead network', () => {
    expect(describeError(new ApiRequestError(429, 'UPLOAD_QUOTA_EXCEEDED', 'Too many uploads this minute.', 12))).toBe(
      'Too many uploads this minute. (UPLOAD_QUOTA_EXCEEDED) Try again in 12 s.',
    );
    expect(describeError(new ApiRequestError(502, 'HTTP_502', '<html>Bad gateway</html>'))).toBe('The server answered 502.');
    expect(describeError(new ApiUnreachableError('https://api.example/v1/documents', 'ECONNREFUSED'))).toBe(
      'The request did not reach the server: check the connection.',
    );
    expect(describeError(new Error('config.json answered 404'))).toBe('config.json answered 404');
  });
});

describe('formatBytes and progressPercent', () => {
  it('reads sizes in powers of 1024', () => {
    expect([1, 849, 1024, 80_100, 4 * 1024 * 1024, 1536 * 1024].map(formatBytes)).toEqual([
      '1 byte',
      '849 bytes',
      '1 KB',
      '78 KB',
      '4 MB',
      '1.5 MB',
    ]);
  });

  it('holds at 99% until the server has answered', () => {
    expect(progressPercent(50, 200)).toBe(25);
    expect(progressPercent(200, 200)).toBe(99);
    expect(progressPercent(0, 0)).toBe(0);
  });
});

describe('parsePageConfig', () => {
  const local = { apiUrl: 'http://127.0.0.1:3000/', maxDirectUploadBytes: 10, maxUploadBytes: 20, auth: { mode: 'local', tokenUrl: '/dev-token' } };
  const cognito = {
    apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/api',
    maxDirectUploadBytes: 10,
    maxUploadBytes: 20,
    auth: {
      mode: 'cognito',
      domain: 'https://pdf-pipeline-dev-1.auth.eu-west-1.amazoncognito.com',
      clientId: 'client',
      redirectUri: 'https://d1.cloudfront.net/',
      logoutUri: 'https://d1.cloudfront.net/',
      scopes: ['pdf-pipeline/documents.read'],
    },
  };

  it('accepts local sign-in and drops a trailing slash from the API URL', () => {
    expect(parsePageConfig(local)).toEqual({ ...local, apiUrl: 'http://127.0.0.1:3000' });
  });

  it('accepts Cognito sign-in', () => {
    expect(parsePageConfig(cognito)).toEqual(cognito);
  });

  it.each([
    ['no object', null, 'config.json must be an object'],
    ['a relative API URL', { ...local, apiUrl: '/api' }, 'apiUrl must be an absolute URL'],
    ['a negative limit', { ...local, maxUploadBytes: -1 }, 'maxUploadBytes must be a positive integer'],
    ['limits the wrong way round', { ...local, maxDirectUploadBytes: 30 }, 'maxUploadBytes must be at least maxDirectUploadBytes'],
    ['an unknown sign-in', { ...local, auth: { mode: 'password' } }, 'auth.mode must be'],
    ['Cognito without scopes', { ...cognito, auth: { ...cognito.auth, scopes: [] } }, 'auth.scopes must be a non-empty list'],
  ])('refuses %s, naming the setting', (_case, value, message) => {
    expect(() => parsePageConfig(value)).toThrow(PageConfigError);
    expect(() => parsePageConfig(value)).toThrow(message);
  });
});

describe('PKCE sign-in', () => {
  const settings = {
    mode: 'cognito' as const,
    domain: 'https://pool.auth.eu-west-1.amazoncognito.com',
    clientId: 'client-1',
    redirectUri: 'https://d1.cloudfront.net/',
    logoutUri: 'https://d1.cloudfront.net/',
    scopes: ['pdf-pipeline/documents.read', 'pdf-pipeline/documents.write'],
  };

  it('derives the S256 challenge of RFC 7636’s example', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 URL-safe characters, never the same twice', () => {
    const verifiers = [randomUrlSafe(), randomUrlSafe()];

    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifiers[0]).not.toBe(verifiers[1]);
  });

  it('asks Cognito for a code with the challenge, the state and the API’s scopes', () => {
    const url = new URL(authorizeUrl(settings, 'state-1', 'challenge-1'));

    expect(`${url.origin}${url.pathname}`).toBe('https://pool.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://d1.cloudfront.net/',
      scope: 'openid pdf-pipeline/documents.read pdf-pipeline/documents.write',
      state: 'state-1',
      code_challenge_method: 'S256',
      code_challenge: 'challenge-1',
    });
  });

  it('exchanges the code with the verifier and no client secret', () => {
    const request = tokenRequest(settings, 'code-1', 'verifier-1');

    expect(request.url).toBe('https://pool.auth.eu-west-1.amazoncognito.com/oauth2/token');
    expect(Object.fromEntries(request.body)).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client-1',
      code: 'code-1',
      redirect_uri: 'https://d1.cloudfront.net/',
      code_verifier: 'verifier-1',
    });
  });

  it('signs out through Cognito, back to the page', () => {
    expect(logoutUrl(settings)).toBe(
      'https://pool.auth.eu-west-1.amazoncognito.com/logout?client_id=client-1&logout_uri=https%3A%2F%2Fd1.cloudfront.net%2F',
    );
  });
});

describe('webhookRow', () => {
  const webhook: WebhookSummary = {
    webhookId: 'wh_0123456789abcdef0123456789abcdef',
    url: 'https://hooks.example.com/pdf',
    events: ['document.completed', 'document.failed'],
    status: 'ENABLED',
    createdAt: '2026-12-04T10:00:00.000Z',
  };

  it('shows where a webhook goes, what it carries and since when', () => {
    expect(webhookRow({ ...webhook, description: 'Back office' })).toEqual({
      title: 'Back office — https://hooks.example.com/pdf',
      detail: 'document.completed, document.failed · since 2026-12-04 · wh_0123456789abcdef0123456789abcdef',
    });
  });

  it('says why a webhook was disabled', () => {
    const row = webhookRow({ ...webhook, status: 'DISABLED', disabledReason: 'Disabled after 8 failed attempts over 15.0 h; last: HTTP 500' });

    expect(row.warning).toBe('Disabled after 8 failed attempts over 15.0 h; last: HTTP 500');
    expect(webhookRow({ ...webhook, status: 'DISABLED' }).warning).toBe('Disabled.');
  });
});

describe('document progress', () => {
  const progress = { pagesDone: 1200, pageCount: 2000, shards: 5, shardsDone: 3 };

  it('reads pages done of the page count, and the parts done', () => {
    expect(progressLabel(progress)).toBe('1,200 of 2,000 pages read (3 of 5 parts)');
  });

  it('fills the bar by pages, by parts while the page count is unknown, and never past full', () => {
    expect(progressShare(progress)).toBe(60);
    expect(progressShare({ ...progress, pageCount: 0 })).toBe(60);
    expect(progressShare({ ...progress, pagesDone: 2100 })).toBe(100);
    expect(progressShare({ pagesDone: 0, pageCount: 0, shards: 0, shardsDone: 0 })).toBe(0);
  });
});
