/**
 * The web uploader, served locally on an origin of its own (default http://127.0.0.1:5173), so
 * the browser calls the API cross-origin and CORS is exercised as it is against AWS. Serves the
 * page built in memory, a `config.json` pointing at the local gateway, and the local runtime's
 * sign-in: `POST /dev-token` issues a token for any user id from the local token authority.
 * That endpoint exists only here; the deployed page signs in with Cognito.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorBody } from '../lambdas/api/errors.js';
import { bundleWebPage, contentTypeOf, type WebFile } from '../web/build.js';
import type { PageConfig } from '../web/src/page-config.js';
import { PAGE_CONFIG_FILE } from '../web/src/page-config.js';
import { securityHeaders } from '../web/site-headers.js';
import { DEFAULT_TOKEN_TTL_SECONDS, LocalAuthority } from './gateway/local-auth.js';
import { errorMessage, type Log } from './log.js';
import { listenOnLoopback } from './loopback-server.js';
import { readBodyUpTo } from './request-body.js';
import { LOOPBACK } from './settings.js';

/** The local sign-in endpoint, same-origin with the page. */
export const DEV_TOKEN_PATH = '/dev-token';
/** Paths that are the page itself: the root, and the callback path `auth.callbackUrls` names. */
const PAGE_PATHS = new Set(['/', '/index.html', '/auth/callback']);
const MAX_TOKEN_REQUEST_BYTES = 4096;

export interface LocalWebServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** The state directory's root: the token authority's key lives under it. */
  readonly stateRoot: string;
  readonly log: Log;
}

/** What `config.json` says, and who else the page may connect to (the CSP's `connect-src`). */
export interface LocalPageSettings {
  readonly apiUrl: string;
  readonly maxDirectUploadBytes: number;
  readonly maxUploadBytes: number;
  /** Origins the page fetches from beside its own: the API, and where uploads and spilled pages go. */
  readonly connectSources: readonly string[];
}

export interface LocalWebServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** The origins a browser may give the page: by address, and by `localhost`. */
  readonly origins: readonly string[];
  readonly port: number;
  /**
   * Settles `config.json`. The server listens first (its origin must be known before the API
   * starts, so the API can allow it) and is told where the API is once that runs.
   */
  configure(settings: LocalPageSettings): void;
  stop(): Promise<void>;
}

export async function startLocalWebServer(options: LocalWebServerOptions): Promise<LocalWebServer> {
  const [files, authority] = await Promise.all([bundleWebPage(), LocalAuthority.open(options.stateRoot)]);
  let settings: LocalPageSettings | undefined;
  let port = options.port;

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log(`web: ${errorMessage(error)}`);
      if (!response.headersSent) sendJson(response, 500, errorBody('INTERNAL', 'The local web server failed.'));
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const method = (request.method ?? 'GET').toUpperCase();
    if (path === DEV_TOKEN_PATH) return issueToken(request, response, method);
    if (method !== 'GET' && method !== 'HEAD') return sendJson(response, 405, errorBody('METHOD_NOT_ALLOWED', 'Only GET here.'));
    if (path === `/${PAGE_CONFIG_FILE}`) {
      if (!settings) return sendJson(response, 503, errorBody('UNAVAILABLE', 'The local runtime is still starting.'));
      return sendFile(response, method, { contents: Buffer.from(JSON.stringify(pageConfig(settings))), contentType: contentTypeOf(PAGE_CONFIG_FILE) });
    }
    const file = files.get(PAGE_PATHS.has(path) ? '/index.html' : path);
    if (!file) return sendJson(response, 404, errorBody('NOT_FOUND', 'No such file.'));
    return sendFile(response, method, file);
  }

  /**
   * Only for the page on this origin: a JSON body (which a cross-site form cannot send without a
   * preflight this server never answers) and a loopback `Host` (which a rebound DNS name is not).
   */
  async function issueToken(request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
    if (method !== 'POST') return sendJson(response, 405, errorBody('METHOD_NOT_ALLOWED', 'POST a JSON body {"userId"}.'));
    if (!isLoopbackHost(request.headers.host, port)) return sendJson(response, 403, errorBody('FORBIDDEN', 'Local sign-in answers on loopback only.'));
    if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      return sendJson(response, 415, errorBody('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.'));
    }
    const body = await readBodyUpTo(request, MAX_TOKEN_REQUEST_BYTES);
    if (!body) return sendJson(response, 413, errorBody('PAYLOAD_TOO_LARGE', 'The request body is too large.'));
    let userId: unknown;
    try {
      userId = (JSON.parse(body.toString('utf8')) as { userId?: unknown }).userId;
    } catch {
      return sendJson(response, 400, errorBody('INVALID_JSON', 'The request body is not valid JSON.'));
    }
    if (typeof userId !== 'string') return sendJson(response, 400, errorBody('VALIDATION_FAILED', 'userId must be a string.'));
    try {
      const accessToken = await authority.issue(userId);
      options.log(`web: signed in ${userId}`);
      return sendJson(response, 200, { accessToken, tokenType: 'Bearer', expiresIn: DEFAULT_TOKEN_TTL_SECONDS });
    } catch (error) {
      return sendJson(response, 400, errorBody('VALIDATION_FAILED', errorMessage(error)));
    }
  }

  function sendFile(response: ServerResponse, method: string, file: WebFile): void {
    response.writeHead(200, {
      ...securityHeaders(settings?.connectSources ?? []),
      'Content-Type': file.contentType,
      'Content-Length': String(file.contents.byteLength),
      // Revalidated on every load, as the deployed site's files are: a rebuilt page shows at once.
      'Cache-Control': 'no-cache',
    });
    response.end(method === 'HEAD' ? undefined : file.contents);
  }

  const listening = await listenOnLoopback(server, options.port);
  port = listening.port;

  return {
    url: listening.url,
    origins: [`http://${LOOPBACK}:${port}`, `http://localhost:${port}`],
    port,
    configure: (next) => {
      settings = next;
    },
    stop: listening.stop,
  };
}

/** `config.json` for the local runtime: its gateway, the API's limits, local sign-in. */
export function pageConfig(settings: LocalPageSettings): PageConfig {
  return {
    apiUrl: settings.apiUrl,
    maxDirectUploadBytes: settings.maxDirectUploadBytes,
    maxUploadBytes: settings.maxUploadBytes,
    auth: { mode: 'local', tokenUrl: DEV_TOKEN_PATH },
  };
}

function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `${LOOPBACK}:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}
