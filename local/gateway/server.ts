/**
 * The local API Gateway: serves the REST API at `ApiUrl` from the same route table the CDK
 * construct deploys, doing what the deployed gateway does before and after the function runs,
 * in the same order:
 *
 * 1. limits: request headers (10 KB) and body (10 MB), and the stage's throttle (token bucket);
 * 2. routing: an unknown route or method is `MISSING_AUTHENTICATION_TOKEN` (answered 404);
 *    `OPTIONS` on a route is the CORS preflight, answered by the gateway itself;
 * 3. the Cognito authorizer (locally: `LocalAuthority`), then API keys when they are on;
 * 4. request validation: required headers, JSON bodies against the route's model;
 * 5. the Lambda proxy integration: the event (at most 6 MB), the function's answer or a 5XX.
 *
 * Its own answers are the gateway responses of `lambdas/api/errors.ts`, in the API's error shape.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody, gatewayResponse, type GatewayResponseDefinition } from '../../lambdas/api/errors.js';
import {
  ALL_FULL_SCOPES,
  BINARY_MEDIA_TYPES,
  CORS_ALLOWED_HEADERS,
  CORS_MAX_AGE_SECONDS,
  type RouteDefinition,
} from '../../lambdas/api/routes.js';
import { REQUEST_MODELS } from '../../lambdas/api/schemas.js';
import type { InvocationOutcome } from '../lambda-invoker.js';
import { errorMessage, type Log } from '../log.js';
import { listenOnLoopback } from '../loopback-server.js';
import { LOOPBACK } from '../settings.js';
import { toGatewayClaims, type LocalAuthority } from './local-auth.js';
import { matchResource, mediaTypeOf, toProxyEvent } from './proxy-event.js';

/** API Gateway's limits (REST API quotas) and Lambda's payload limit. */
export const GATEWAY_LIMITS = {
  /** Request (and response) payload. */
  maxBodyBytes: 10 * 1024 * 1024,
  /** Request line and headers together. */
  maxHeaderBytes: 10 * 1024,
  /** A synchronous invocation's request payload: the whole event, base64 body included. */
  maxEventBytes: 6 * 1024 * 1024,
  /** Lambda's response payload limit. */
  maxResultBytes: 6 * 1024 * 1024,
} as const;

export interface LocalGatewayOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly routes: readonly RouteDefinition[];
  readonly stageName: string;
  readonly allowedOrigins: readonly string[];
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * The clock the throttle's bucket refills by, in milliseconds. Tests pass one they control, so
   * whether a request is throttled never depends on how fast the machine sends them.
   * @default Date.now
   */
  readonly throttleClock?: () => number;
  readonly authority: LocalAuthority;
  /**
   * API keys accepted in `x-api-key` on every authorized route; absent when keys are off.
   * @default - keys off
   */
  readonly apiKeys?: readonly string[];
  /** Runs the API function (an execution environment of the local invoker). */
  readonly invoke: (event: unknown) => Promise<InvocationOutcome>;
  readonly log: Log;
}

export interface LocalGateway {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Stage throttling: a token bucket of `burstLimit` tokens refilled at `rateLimit` per second. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const bucket = new TokenBucket(options.throttle.rateLimit, options.throttle.burstLimit, options.throttleClock);
  const server: Server = createServer({ maxHeaderSize: GATEWAY_LIMITS.maxHeaderBytes }, (request, response) => {
    handle(request, response, options, bucket).catch((error: unknown) => {
      options.log(`gateway: ${errorMessage(error)}`);
      if (!response.headersSent) sendGatewayResponse(response, gatewayResponse('DEFAULT_5XX'), request, options, { statusCode: 500 });
      else response.destroy();
    });
  });
  // Requests the HTTP parser refuses (headers past the limit, malformed) still get the error shape.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify(
      errorBody(tooLarge ? 'REQUEST_HEADER_FIELDS_TOO_LARGE' : 'BAD_REQUEST', tooLarge ? 'Request headers are too large.' : 'Malformed request.'),
    );
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  const listening = await listenOnLoopback(server, options.port);
  return {
    url: listening.url,
    port: listening.port,
    stop: listening.stop,
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: LocalGatewayOptions, bucket: TokenBucket) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = (request.method ?? 'GET').toUpperCase();

  // 1. Limits: the body is read up to the limit only; the throttle applies to every request.
  const body = await readBody(request, GATEWAY_LIMITS.maxBodyBytes);
  if (body === undefined) return sendGatewayResponse(response, gatewayResponse('REQUEST_TOO_LARGE'), request, options);
  if (!bucket.take()) return sendGatewayResponse(response, gatewayResponse('THROTTLED'), request, options);

  // 2. Routing, and preflights answered by the gateway.
  const resources = [...new Set(options.routes.map((route) => route.path))];
  const matched = resources
    .map((resource) => ({ resource, parameters: matchResource(resource, url.pathname) }))
    .find((candidate) => candidate.parameters !== undefined);
  if (matched && method === 'OPTIONS' && options.allowedOrigins.length > 0) {
    return sendPreflight(response, request, options, matched.resource);
  }
  const route = matched && options.routes.find((candidate) => candidate.path === matched.resource && candidate.method === method);
  if (!matched || !route) return sendGatewayResponse(response, gatewayResponse('MISSING_AUTHENTICATION_TOKEN'), request, options);

  // 3. Authorizer (access tokens with one of the API's scopes), then API keys.
  let claims: Record<string, string> | undefined;
  if (route.scope !== undefined) {
    const token = bearerToken(request.headers.authorization);
    if (!token) return sendGatewayResponse(response, gatewayResponse('UNAUTHORIZED'), request, options);
    try {
      claims = toGatewayClaims(await options.authority.verify(token, ALL_FULL_SCOPES));
    } catch (error) {
      options.log(`gateway: token refused: ${errorMessage(error)}`);
      return sendGatewayResponse(response, gatewayResponse('UNAUTHORIZED'), request, options);
    }
    if (options.apiKeys && !options.apiKeys.includes(String(request.headers['x-api-key'] ?? ''))) {
      return sendGatewayResponse(response, gatewayResponse('INVALID_API_KEY'), request, options);
    }
  }

  // 4. Request validation: required headers, then a JSON body against the route's model.
  const missing = (route.requiredHeaders ?? []).filter((name) => !request.headers[name.toLowerCase()]);
  if (missing.length > 0) return sendGatewayResponse(response, gatewayResponse('BAD_REQUEST_PARAMETERS'), request, options);
  if (route.requestModel && mediaTypeOf(request.headers['content-type']) === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return sendGatewayResponse(response, gatewayResponse('BAD_REQUEST_BODY'), request, options);
    }
    if (!REQUEST_MODELS[route.requestModel].safeParse(parsed).success) {
      return sendGatewayResponse(response, gatewayResponse('BAD_REQUEST_BODY'), request, options);
    }
  }

  // 5. The integration.
  const event = toProxyEvent(
    {
      method,
      path: url.pathname,
      query: url.searchParams,
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: request.socket.remoteAddress ?? LOOPBACK,
    },
    {
      resource: route.path,
      pathParameters: matched.parameters ?? {},
      stageName: options.stageName,
      binaryMediaTypes: BINARY_MEDIA_TYPES,
      claims,
    },
  );
  if (Buffer.byteLength(JSON.stringify(event)) > GATEWAY_LIMITS.maxEventBytes) {
    return sendGatewayResponse(response, gatewayResponse('REQUEST_TOO_LARGE'), request, options);
  }
  const outcome = await options.invoke(event);
  if (outcome.status === 'failed') {
    options.log(`gateway: ${route.method} ${route.path}: ${outcome.reason}: ${outcome.message}`);
    const statusCode = outcome.reason === 'timeout' ? 504 : 502;
    return sendGatewayResponse(response, gatewayResponse('DEFAULT_5XX'), request, options, {
      statusCode,
      message: statusCode === 504 ? 'Endpoint request timed out' : 'Internal server error',
    });
  }
  const result = outcome.response as Partial<APIGatewayProxyResult> | null;
  if (
    !result ||
    typeof result.statusCode !== 'number' ||
    Buffer.byteLength(JSON.stringify(result)) > GATEWAY_LIMITS.maxResultBytes
  ) {
    options.log(`gateway: ${route.method} ${route.path}: malformed or oversized Lambda proxy response`);
    return sendGatewayResponse(response, gatewayResponse('DEFAULT_5XX'), request, options, {
      statusCode: 502,
      message: 'Internal server error',
    });
  }
  sendProxyResult(response, result as APIGatewayProxyResult);
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const token = header.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? undefined : token;
}

/** Reads the body, or `undefined` once it passes `limit` (the rest is not read). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > limit) {
        done = true;
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

function sendProxyResult(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
  response.writeHead(result.statusCode, { ...headers, 'Content-Length': String(body.byteLength) });
  response.end(body);
}

/**
 * A gateway response in the API's error shape. As deployed, `Access-Control-Allow-Origin` names
 * the one configured origin, or echoes the request's origin when several are configured.
 */
function sendGatewayResponse(
  response: ServerResponse,
  definition: GatewayResponseDefinition,
  request: IncomingMessage,
  options: LocalGatewayOptions,
  override: { readonly statusCode?: number; readonly message?: string } = {},
): void {
  const statusCode = override.statusCode ?? definition.statusCode ?? 400;
  const body = JSON.stringify(errorBody(definition.code, override.message ?? definition.message ?? 'Bad request'));
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...definition.headers };
  const { allowedOrigins } = options;
  if (allowedOrigins.length === 1) headers['Access-Control-Allow-Origin'] = allowedOrigins[0]!;
  if (allowedOrigins.length > 1 && request.headers.origin) headers['Access-Control-Allow-Origin'] = request.headers.origin;
  if (allowedOrigins.length > 0) headers.Vary = 'Origin';
  response.writeHead(statusCode, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  response.end(body);
}

/**
 * The preflight answer of the deployed API (a mock integration CDK generates): 204 with the
 * allowed headers and methods; the request's origin is echoed when it is allowed, and the first
 * configured origin is named otherwise (which a browser then refuses).
 */
function sendPreflight(response: ServerResponse, request: IncomingMessage, options: LocalGatewayOptions, resource: string): void {
  const origin = request.headers.origin;
  const allowOrigin = origin && options.allowedOrigins.includes(origin) ? origin : options.allowedOrigins[0]!;
  const methods = [...new Set(options.routes.filter((route) => route.path === resource).map((route) => route.method))];
  response.writeHead(204, {
    'Access-Control-Allow-Origin': allowOrigin,
    'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS.join(','),
    'Access-Control-Allow-Methods': methods.join(','),
    'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
    Vary: 'Origin',
  });
  response.end();
}
