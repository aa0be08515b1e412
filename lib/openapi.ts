/**
 * The API's OpenAPI 3 document, generated from what the implementation runs on: the route table
 * (paths, methods, scopes, parameters), the zod schemas the handlers parse and answer with, and
 * the gateway responses. `npm run openapi` writes it to `docs/openapi.yaml`; a test fails when
 * the file and this generator disagree.
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { GATEWAY_RESPONSES } from '../lambdas/api/errors.js';
import { ADMIN_GROUP, LANES } from '../lambdas/shared/contract.js';
import { DEFAULT_MOVE_RATE, MAX_MOVE_RATE } from '../lambdas/shared/dead-letter-redrive.js';
import { API_STAGE_NAME, ALL_FULL_SCOPES, BINARY_MEDIA_TYPES, fullScope, ROUTES, type OperationId, type Route } from '../lambdas/api/routes.js';
import {
  AuditEntry,
  AuditList,
  CreateUploadRequest,
  DeleteAccepted,
  DirectUploadAccepted,
  DocumentError,
  DocumentList,
  DocumentMetadata,
  DocumentResponse,
  DocumentSummary,
  ErrorResponse,
  HealthDetailResponse,
  HealthResponse,
  ListDocumentsQuery,
  OutlineEntry,
  PageList,
  PageResponse,
  PageLayoutResponse,
  TableList,
  QueueDepth,
  RedriveAccepted,
  ReprocessAccepted,
  UploadCreated,
  UsageResponse,
} from '../lambdas/api/schemas.js';
import {
  CreateWebhookRequest,
  DeliveryAttemptView,
  DeliveryQueued,
  SecretRotated,
  WebhookCreated,
  WebhookDeliveryList,
  WebhookDeliveryView,
  WebhookList,
  WebhookSummary,
} from '../lambdas/api/webhook-schemas.js';
import { ChunkList, ChunkResponse } from '../lambdas/api/markdown-schemas.js';

/** Named schemas, as `#/components/schemas/<name>`. */
export const COMPONENT_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  ErrorResponse,
  HealthResponse,
  DirectUploadAccepted,
  CreateUploadRequest,
  UploadCreated,
  DocumentError,
  OutlineEntry,
  DocumentMetadata,
  DocumentSummary,
  Document: DocumentResponse,
  DocumentList,
  Page: PageResponse,
  PageList,
  PageLayout: PageLayoutResponse,
  TableList,
  Chunk: ChunkResponse,
  ChunkList,
  DeleteAccepted,
  ReprocessAccepted,
  QueueDepth,
  HealthDetailResponse,
  AuditEntry,
  AuditList,
  RedriveAccepted,
  CreateWebhookRequest,
  WebhookSummary,
  WebhookCreated,
  WebhookList,
  SecretRotated,
  DeliveryAttempt: DeliveryAttemptView,
  WebhookDelivery: WebhookDeliveryView,
  WebhookDeliveryList,
  DeliveryQueued,
  Usage: UsageResponse,
};

type Success = {
  readonly status: number;
  readonly schema?: string;
  readonly description: string;
  readonly headers?: Record<string, string>;
  /** A body that is not JSON: its media type, a string. */
  readonly mediaType?: string;
};

/**
 * What each operation answers: its success, and the errors it (or the gateway in front of it)
 * can answer. Every authorized route can also answer 401, 403 and the gateway's 429; every
 * route 500 and 503.
 */
export const OPERATION_RESPONSES: Readonly<Record<OperationId, { readonly success: Success; readonly errors: readonly number[] }>> = {
  getHealth: { success: { status: 200, schema: 'HealthResponse', description: 'Table, bucket and queue answered' }, errors: [] },
  getHealthDetail: {
    success: { status: 200, schema: 'HealthDetailResponse', description: 'The pipeline\'s figures (aggregates only, no document ids)' },
    errors: [],
  },
  uploadDocument: {
    success: { status: 202, schema: 'DirectUploadAccepted', description: 'Stored and queued for extraction' },
    errors: [400, 409, 413, 415],
  },
  createUpload: {
    success: { status: 201, schema: 'UploadCreated', description: 'POST the form to `upload.url` before `expiresAt`' },
    errors: [400, 409, 413, 415],
  },
  listDocuments: {
    success: { status: 200, schema: 'DocumentList', description: "The caller's documents (or, for an admin, `ownerId`'s), newest first" },
    errors: [400],
  },
  getDocument: { success: { status: 200, schema: 'Document', description: 'The document' }, errors: [404] },
  listDocumentPages: { success: { status: 200, schema: 'PageList', description: 'Pages in order' }, errors: [400, 404, 409] },
  listDocumentTables: {
    success: { status: 200, schema: 'TableList', description: 'The tables as JSON, or one table as CSV (`text/csv`) with `format=csv`' },
    errors: [400, 404, 409],
  },
  getPageLayout: {
    success: { status: 200, schema: 'PageLayout', description: "The page's lines and words with their boxes" },
    errors: [400, 404, 409],
  },
  getDocumentMarkdown: {
    success: { status: 200, mediaType: 'text/markdown', description: 'The Markdown (a 303 to a short-lived URL of it when too large to inline)' },
    errors: [404, 409],
  },
  listDocumentChunks: {
    success: { status: 200, schema: 'ChunkList', description: 'Chunks in order, from the cursor' },
    errors: [400, 404, 409],
  },
  downloadDocumentFile: {
    success: {
      status: 303,
      description: 'Redirect to a short-lived download URL of the original',
      headers: { Location: 'The download URL' },
    },
    errors: [404, 409],
  },
  deleteDocument: {
    success: { status: 202, schema: 'DeleteAccepted', description: 'Deleted now; objects and pages are purged in the background' },
    errors: [404, 409],
  },
  reprocessDocument: {
    success: { status: 202, schema: 'ReprocessAccepted', description: 'A new generation is QUEUED for extraction' },
    errors: [404, 409],
  },
  getUsage: { success: { status: 200, schema: 'Usage', description: 'Usage per day, its total and the estimated cost' }, errors: [400] },
  listAuditEntries: { success: { status: 200, schema: 'AuditList', description: 'Audit entries, newest first' }, errors: [400] },
  redriveDeadLetters: {
    success: { status: 202, schema: 'RedriveAccepted', description: 'The redrive of each lane: started (a move task) or done in part' },
    errors: [400],
  },
  createWebhook: {
    success: { status: 201, schema: 'WebhookCreated', description: 'Subscribed; `secret` is shown only in this answer', headers: { Location: 'The webhook' } },
    errors: [400, 409, 415],
  },
  listWebhooks: { success: { status: 200, schema: 'WebhookList', description: "The caller's webhooks (an admin's `all=true`: everyone's)" }, errors: [400] },
  deleteWebhook: { success: { status: 204, description: 'Deleted; nothing more is sent to it' }, errors: [404] },
  testWebhook: { success: { status: 202, schema: 'DeliveryQueued', description: 'A `webhook.test` message is queued' }, errors: [404] },
  listWebhookDeliveries: {
    success: { status: 200, schema: 'WebhookDeliveryList', description: 'The latest deliveries, newest first' },
    errors: [400, 404],
  },
  redeliverWebhookMessage: {
    success: { status: 202, schema: 'DeliveryQueued', description: 'The message is queued again, with the same `webhook-id`' },
    errors: [404, 409],
  },
  rotateWebhookSecret: {
    success: { status: 200, schema: 'SecretRotated', description: 'The new secret, shown only now; the previous one signs too until `previousSecretExpiresAt`' },
    errors: [404],
  },
  enableWebhook: { success: { status: 200, schema: 'WebhookSummary', description: 'Enabled' }, errors: [404] },
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Malformed request: bad JSON, wrong types, unknown fields, bad parameters or cursor',
  401: 'No valid access token for this API',
  403: "Authenticated, but the token lacks the operation's scope (or a required API key), or the operation is for administrators",
  404: 'No such document, webhook or route; those of other users answer the same',
  409: "Not allowed in the document's (or webhook's) current state, an Idempotency-Key conflict, or the webhook limit reached",
  413: 'Too large: direct uploads above the limit must use POST /v1/uploads',
  415: 'Not a PDF, or not the expected content type',
  429: 'Throttled, or the upload quota is used up: wait `Retry-After` seconds',
  500: 'Internal error',
  503: 'A dependency is unavailable: retry after `Retry-After` seconds',
};

const ERROR_CODES_BY_STATUS = (): Record<number, string[]> => {
  const codes: Record<number, string[]> = {};
  for (const response of GATEWAY_RESPONSES) {
    if (response.statusCode !== undefined) (codes[response.statusCode] ??= []).push(response.code);
  }
  return codes;
};

export function buildOpenApiDocument(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENT_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'openapi-3.0', uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  for (const schema of Object.values(schemas)) {
    delete schema.id;
    delete schema.$id;
  }

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }

  return {
    openapi: '3.0.3',
    info: {
      title: 'pdf-pipeline API',
      version: '1.0.0',
      description: [
        'Upload PDFs, follow their extraction and read the results. Every route but health needs a Cognito',
        'access token (`Authorization: Bearer <token>`) with one of the API scopes; the owner of a document',
        "is the token's `sub`, and only its owner sees it; members of the `admin` group may act on any owner's",
        'documents and use the admin routes. Errors always have the shape `{ "error": { "code", "message" } }`,',
        "API Gateway's own included. See docs/api.md for examples.",
      ].join(' '),
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'Local runtime (`npm start`)' },
      {
        url: `https://{restApiId}.execute-api.{region}.amazonaws.com/${API_STAGE_NAME}`,
        description: 'AWS: the stack output ApiUrl',
        variables: { restApiId: { default: 'abcdef1234' }, region: { default: 'eu-west-1' } },
      },
    ],
    tags: [{ name: 'documents' }, { name: 'uploads' }, { name: 'webhooks' }, { name: 'usage' }, { name: 'health' }, { name: 'admin' }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        cognito: {
          type: 'oauth2',
          description:
            "The environment's Cognito user pool: authorization code grant with PKCE through its domain (see docs/api.md, Users and tokens); locally, `npm run --silent token -- <userId>`.",
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://pdf-pipeline-dev-123456789012.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
              tokenUrl: 'https://pdf-pipeline-dev-123456789012.auth.eu-west-1.amazoncognito.com/oauth2/token',
              scopes: Object.fromEntries(
                ALL_FULL_SCOPES.map((scope) => [
                  scope,
                  scope.endsWith('.read') ? "Read your documents, their pages and originals, and the pipeline's health detail" : 'Upload, reprocess and delete your documents',
                ]),
              ),
            },
          },
        },
      },
      headers: {
        RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
      },
    },
  };
}

/** Every status an operation is documented to answer. */
export function documentedStatuses(operationId: OperationId): number[] {
  const route = ROUTES.find((candidate) => candidate.operationId === operationId)!;
  const spec = OPERATION_RESPONSES[operationId];
  const errors = [...spec.errors, ...('scope' in route ? [401, 403, 429] : [429]), 500, 503];
  return [spec.success.status, ...[...new Set(errors)].sort()];
}

function operation(route: Route): Record<string, unknown> {
  const spec = OPERATION_RESPONSES[route.operationId];
  const secured = 'scope' in route;
  const errorStatuses = documentedStatuses(route.operationId).slice(1);
  const codes = ERROR_CODES_BY_STATUS();
  const responses: Record<string, unknown> = {
    [String(spec.success.status)]: {
      description: spec.success.description,
      ...(spec.success.headers
        ? { headers: Object.fromEntries(Object.entries(spec.success.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }
        : {}),
      ...(spec.success.schema ? { content: { 'application/json': { schema: { $ref: `#/components/schemas/${spec.success.schema}` } } } } : {}),
      ...(spec.success.mediaType ? { content: { [spec.success.mediaType]: { schema: { type: 'string' } } } } : {}),
    },
  };
  for (const status of errorStatuses) {
    const gatewayCodes = codes[status]?.length ? ` Gateway codes: ${codes[status]!.join(', ')}.` : '';
    responses[String(status)] = {
      description: `${STATUS_TEXT[status] ?? 'Error'}.${gatewayCodes}`,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
    };
  }

  const parameters: Record<string, unknown>[] = [];
  if (route.path.includes('{id}')) {
    parameters.push(
      route.path.startsWith('/v1/webhooks')
        ? { name: 'id', in: 'path', required: true, description: 'Webhook id', schema: { type: 'string', pattern: '^wh_[0-9a-f]{32}$' } }
        : { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
    );
  }
  if (route.path.includes('{messageId}')) {
    parameters.push({ name: 'messageId', in: 'path', required: true, description: 'The `webhook-id` of the message', schema: { type: 'string' } });
  }
  for (const name of 'queryParameters' in route ? route.queryParameters : []) parameters.push(queryParameter(name, route.operationId));
  for (const name of 'headerParameters' in route ? route.headerParameters : []) {
    parameters.push({
      name,
      in: 'header',
      required: false,
      description: 'Repeat a request safely: the same key and request from the same user return the first answer (for 24 hours)',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }

  let requestBody: Record<string, unknown> | undefined;
  if ('binaryBody' in route && route.binaryBody) {
    requestBody = {
      required: true,
      description: 'The PDF itself (up to the direct upload limit, 4 MB by default)',
      content: Object.fromEntries(BINARY_MEDIA_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
    };
  }
  if ('requestModel' in route) {
    requestBody = {
      required: true,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.requestModel}` } } },
    };
  }

  return {
    operationId: route.operationId,
    summary: route.summary,
    ...('admin' in route && route.admin
      ? { description: `Administrators only: the user must be in the \`${ADMIN_GROUP}\` group (403 otherwise).` }
      : {}),
    tags: [tagOf(route.path)],
    security: secured ? [{ cognito: [fullScope(route.scope)] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

function tagOf(path: string): string {
  if (path.startsWith('/v1/uploads')) return 'uploads';
  if (path.startsWith('/v1/health')) return 'health';
  if (path.startsWith('/v1/audit') || path.startsWith('/v1/admin')) return 'admin';
  if (path.startsWith('/v1/webhooks')) return 'webhooks';
  if (path.startsWith('/v1/usage')) return 'usage';
  return 'documents';
}

function queryParameter(name: string, operationId: string): Record<string, unknown> {
  switch (name) {
    case 'ownerId':
      return {
        name,
        in: 'query',
        required: false,
        description: operationId === 'getUsage' ? "Admins: whose usage (default: the caller's)" : "Admins: whose documents to list (default: the caller's)",
        schema: { type: 'string' },
      };
    case 'documentId':
      return { name, in: 'query', required: false, description: 'Only entries about this document', schema: { type: 'string', format: 'uuid' } };
    case 'actor':
      return { name, in: 'query', required: false, description: "Only entries of this caller (a token's sub)", schema: { type: 'string' } };
    case 'from':
    case 'to':
      if (operationId === 'getUsage') {
        return {
          name,
          in: 'query',
          required: false,
          description: name === 'from' ? 'First day, UTC (default: the first of the current month)' : 'Last day, included, UTC (default: today); at most 366 days in all',
          schema: { type: 'string', format: 'date' },
        };
      }
      return {
        name,
        in: 'query',
        required: false,
        description: name === 'from' ? 'Entries at or after this time (default: the retention period)' : 'Entries before this time (default: now)',
        schema: { type: 'string', format: 'date-time' },
      };
    case 'lane':
      if (operationId === 'uploadDocument') {
        return {
          name,
          in: 'query',
          required: false,
          description: 'Priority lane: `interactive` for someone waiting; `bulk` for loads that may wait behind interactive uploads',
          schema: { type: 'string', enum: [...LANES], default: 'interactive' },
        };
      }
      return { name, in: 'query', required: false, description: 'One lane (default: every lane)', schema: { type: 'string', enum: [...LANES] } };
    case 'maxPerSecond':
      return {
        name,
        in: 'query',
        required: false,
        description: 'Messages moved per second at most',
        schema: { type: 'integer', minimum: 1, maximum: MAX_MOVE_RATE, default: DEFAULT_MOVE_RATE },
      };
    case 'limit':
      return { name, in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } };
    case 'all':
      return { name, in: 'query', required: false, description: "Admins: `true` lists every owner's webhooks", schema: { type: 'string', enum: ['true', 'false'] } };
    case 'cursor':
      return { name, in: 'query', required: false, description: '`nextCursor` of the previous page', schema: { type: 'string' } };
    case 'status': {
      const statuses = (ListDocumentsQuery.shape.status.unwrap() as z.ZodEnum).options;
      return { name, in: 'query', required: false, schema: { type: 'string', enum: statuses } };
    }
    case 'filename':
      return {
        name,
        in: 'query',
        required: false,
        description: 'Display name; any path is stripped and control characters removed',
        schema: { type: 'string', maxLength: 1024 },
      };
    default:
      return { name, in: 'query', required: false, schema: { type: 'string' } };
  }
}

/** The document as `docs/openapi.yaml` holds it. */
export function renderOpenApiYaml(): string {
  return `# Generated by \`npm run openapi\` from lambdas/api (routes, schemas, errors); do not edit.\n${stringify(buildOpenApiDocument(), { lineWidth: 0 })}`;
}
