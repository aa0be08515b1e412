/**
 * An HTTP client for the API that holds every answer to the contract: the status must be one the
 * OpenAPI document lists for the operation, and the body must match the schema it names (the
 * success schema, or the one error shape). A test that gets anything else fails, so the
 * end-to-end tests also prove `docs/openapi.yaml` matches what the API really answers. Requests
 * are made by the typed client every caller uses (`api-client/`), without its retries: a test
 * sees each answer as the API gave it.
 */
import { expect } from 'vitest';
import { ErrorResponse } from '../../lambdas/api/schemas.js';
import { ApiClient as TypedClient } from '../../api-client/api-client.js';
import type { OperationId } from '../../lambdas/api/routes.js';
import { COMPONENT_SCHEMAS, documentedStatuses, OPERATION_RESPONSES } from '../../lib/openapi.js';
import { request as httpRequest } from 'node:http';
import type { TestRuntime } from './local-runtime.js';

export interface ApiAnswer<T = any> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: T;
}

export interface CallOptions {
  readonly id?: string;
  /** Other path parameters, such as `{ n: '2' }` for `/pages/{n}/layout`. */
  readonly path?: Record<string, string | number>;
  readonly query?: Record<string, string | number>;
  readonly headers?: Record<string, string>;
  readonly body?: RequestInit['body'];
  /** Sent as `Authorization: Bearer <token>`; `null` sends none. */
  readonly token?: string | null;
}

export class ApiClient {
  /** The typed client with this client's token, for the calls a test makes as a client would. */
  readonly typed: TypedClient;

  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {
    this.typed = new TypedClient({ baseUrl, token: () => token, maxRetries: 0 });
  }

  withToken(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  url(path: string, query: Record<string, string | number> = {}): string {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
    return url.toString();
  }

  /** Calls an operation and checks the answer against the contract. */
  async call<T = any>(operationId: OperationId, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    const response = await this.typed.exchange(operationId, {
      path: { id: options.id ?? '', ...options.path },
      query: options.query,
      headers: options.headers,
      body: options.body,
      token: options.token,
    });
    const answer = await readAnswer<T>(response);

    expect(documentedStatuses(operationId), `${operationId} answered ${answer.status}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
    const success = OPERATION_RESPONSES[operationId].success;
    if (answer.status === success.status) {
      if (success.schema) COMPONENT_SCHEMAS[success.schema]!.parse(answer.body);
    } else {
      ErrorResponse.parse(answer.body);
    }
    return answer;
  }

  /** A request outside the contract (unknown routes, malformed input); its errors must still have the one shape. */
  async raw(method: string, path: string, init: RequestInit & { token?: string | null } = {}): Promise<ApiAnswer> {
    const token = init.token === undefined ? this.token : init.token;
    const response = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string> | undefined) },
      redirect: 'manual',
    });
    const answer = await readAnswer(response);
    if (answer.status >= 400) ErrorResponse.parse(answer.body);
    return answer;
  }
}

async function readAnswer<T>(response: Response): Promise<ApiAnswer<T>> {
  const text = await response.text();
  // A text answer (Markdown, CSV) is its text; anything else is JSON.
  const isText = (response.headers.get('content-type') ?? '').startsWith('text/');
  return { status: response.status, headers: response.headers, body: (isText ? text : text ? JSON.parse(text) : undefined) as T };
}

/**
 * A raw GET with the given headers, through node:http rather than fetch, which refuses headers
 * as large as the ones the gateway must turn away.
 */
export function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}


/**
 * One API client per user of a local runtime, made on first use with a token its own authority
 * signs for that user (`sub` = the user id). `runtime` is read at each call, so the helper can
 * be made before the runtime starts.
 */
export function clientsPerUser(runtime: () => TestRuntime): (userId: string) => Promise<ApiClient> {
  const clients = new Map<string, ApiClient>();
  return async (userId) => {
    let client = clients.get(userId);
    if (!client) {
      const local = runtime();
      client = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue(userId));
      clients.set(userId, client);
    }
    return client;
  };
}
