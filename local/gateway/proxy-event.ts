/**
 * HTTP request → API Gateway REST proxy event (payload format 1.0), as the deployed API builds
 * it for a Lambda proxy integration: headers with their case as sent (last value wins in
 * `headers`, all in `multiValueHeaders`), decoded query and path parameters, the body base64 for
 * binary media types, and the authorizer's claims under `requestContext.authorizer.claims`.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { EMULATOR_ACCOUNT_ID } from '../settings.js';

export interface IncomingRequest {
  readonly method: string;
  /** Path without the query string, as received. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Node's `rawHeaders`: name, value, name, value… */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface EventContext {
  readonly resource: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly stageName: string;
  readonly binaryMediaTypes: readonly string[];
  /** String-valued claims of a verified token; absent on routes without an authorizer. */
  readonly claims?: Readonly<Record<string, string>>;
  readonly requestId?: string;
  readonly now?: Date;
}

/** The local API's id in events, as an API id appears in `requestContext.apiId`. */
export const LOCAL_API_ID = 'local';

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function isBinaryMediaType(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  const type = mediaTypeOf(contentType);
  return binaryMediaTypes.some((binary) => binary === type || binary === '*/*');
}

export function toProxyEvent(request: IncomingRequest, context: EventContext): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index]!;
    const value = request.rawHeaders[index + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const header = (name: string) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];

  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of request.query) {
    queryStringParameters[name] = value;
    (multiValueQueryStringParameters[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(queryStringParameters).length > 0;
  const hasPathParameters = Object.keys(context.pathParameters).length > 0;

  const binary = isBinaryMediaType(header('content-type'), context.binaryMediaTypes);
  const body = request.body.byteLength === 0 ? null : binary ? request.body.toString('base64') : request.body.toString('utf8');
  const now = context.now ?? new Date();
  const requestId = context.requestId ?? randomUUID();
  const host = header('host') ?? '127.0.0.1';

  return {
    resource: context.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? queryStringParameters : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
    pathParameters: hasPathParameters ? { ...context.pathParameters } : null,
    stageVariables: null,
    requestContext: {
      accountId: EMULATOR_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      domainName: host,
      domainPrefix: host.split('.')[0]!.split(':')[0]!,
      extendedRequestId: randomUUID(),
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: header('user-agent') ?? null,
        userArn: null,
      },
      path: `/${context.stageName}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: apiGatewayTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: LOCAL_API_ID,
      resourcePath: context.resource,
      stage: context.stageName,
      authorizer: context.claims ? { claims: { ...context.claims } } : null,
    },
    body,
    isBase64Encoded: binary && body !== null,
  } as APIGatewayProxyEvent;
}

/** `requestContext.requestTime`: `23/Nov/2026:19:38:00 +0000`. */
function apiGatewayTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(
    date.getUTCMinutes(),
  )}:${two(date.getUTCSeconds())} +0000`;
}

/** Matches a request path against a resource path such as `/v1/documents/{id}`. */
export function matchResource(resource: string, path: string): Record<string, string> | undefined {
  const expected = resource.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const parameters: Record<string, string> = {};
  for (let index = 0; index < expected.length; index += 1) {
    const pattern = expected[index]!;
    const segment = actual[index]!;
    if (pattern.startsWith('{') && pattern.endsWith('}')) {
      if (segment === '') return undefined;
      try {
        parameters[pattern.slice(1, -1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (pattern !== segment) {
      return undefined;
    }
  }
  return parameters;
}
