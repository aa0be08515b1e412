/**
 * fauxqs answers no CORS at all, so a browser cannot POST a presigned upload to it, nor read a
 * presigned download or a spilled page. This proxy sits in front of it and answers CORS as the
 * deployed bucket's CORS rule does (`BUCKET_CORS`, for the API's allowed origins); everything
 * else passes through untouched. The API function signs its URLs for the proxy, so the URLs a
 * browser receives go through it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BUCKET_CORS, CORS_MAX_AGE_SECONDS } from '../lambdas/api/routes.js';
import { errorMessage, type Log } from './log.js';
import { listenOnLoopback } from './loopback-server.js';

export interface S3CorsProxyOptions {
  /** fauxqs's endpoint, e.g. `http://127.0.0.1:4566`. */
  readonly target: string;
  /** Origins the bucket's CORS rule allows. */
  readonly allowedOrigins: readonly string[];
  readonly log: Log;
}

export interface S3CorsProxy {
  /** `http://127.0.0.1:<port>`: an S3 (and SQS) endpoint, as fauxqs's is. */
  readonly url: string;
  stop(): Promise<void>;
}

const ALLOWED_METHODS: readonly string[] = BUCKET_CORS.methods;

export async function startS3CorsProxy(options: S3CorsProxyOptions): Promise<S3CorsProxy> {
  const target = new URL(options.target);
  const server: Server = createServer((request, response) => {
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS' && origin && request.headers['access-control-request-method']) {
      return answerPreflight(request, response, origin, options.allowedOrigins);
    }
    forward(request, response, target, corsHeaders(origin, request.method, options.allowedOrigins), options.log);
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    stop: listening.stop,
  };
}

/** S3's answer to a preflight: 200 with the rule's methods and the requested headers (the rule allows any), or 403. */
function answerPreflight(request: IncomingMessage, response: ServerResponse, origin: string, allowedOrigins: readonly string[]): void {
  const method = String(request.headers['access-control-request-method']).toUpperCase();
  if (!allowedOrigins.includes(origin) || !ALLOWED_METHODS.includes(method)) {
    response.writeHead(403, { 'Content-Type': 'application/xml' });
    response.end('<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed.</Message></Error>');
    return;
  }
  const requestedHeaders = request.headers['access-control-request-headers'];
  response.writeHead(200, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': ALLOWED_METHODS.join(', '),
    ...(requestedHeaders ? { 'Access-Control-Allow-Headers': requestedHeaders } : {}),
    'Access-Control-Expose-Headers': BUCKET_CORS.exposedHeaders.join(', '),
    'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    'Content-Length': '0',
  });
  response.end();
}

/** The CORS headers S3 adds to an actual request from an allowed origin with an allowed method. */
function corsHeaders(origin: string | undefined, method: string | undefined, allowedOrigins: readonly string[]): Record<string, string> {
  if (!origin || !allowedOrigins.includes(origin) || !ALLOWED_METHODS.includes((method ?? 'GET').toUpperCase())) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': ALLOWED_METHODS.join(', '),
    'Access-Control-Expose-Headers': BUCKET_CORS.exposedHeaders.join(', '),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

function forward(request: IncomingMessage, response: ServerResponse, target: URL, cors: Record<string, string>, log: Log): void {
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: { ...request.headers, host: target.host },
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...cors });
      answer.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    log(`s3 proxy: ${errorMessage(error)}`);
    if (!response.headersSent) {
      response.writeHead(502, { 'Content-Type': 'application/xml', ...cors });
      response.end('<Error><Code>ServiceUnavailable</Code><Message>The local S3 emulator did not answer.</Message></Error>');
    } else {
      response.destroy();
    }
  });
  request.pipe(upstream);
}
