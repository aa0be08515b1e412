/**
 * A fault-injecting HTTP proxy in front of the emulators, for the reliability suite: the functions'
 * SDK traffic goes through it (`faultInjection` in `runtime.ts`), and a test adds rules that delay
 * a request, answer it with a service's own error, or cut the connection halfway through the
 * answer. Matching is by service, operation and a text the request carries (an object key, a
 * document id), so one rule can hit one document while the rest of the pipeline runs untouched.
 *
 * Everything not matched passes through byte for byte. The proxy never holds a body back from
 * the emulator once it forwards it, so a dropped answer means the write really happened: the
 * client retries an operation that already took effect, which is the case worth testing.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorMessage, silentLog, type Log } from './log.js';
import { listenOnLoopback } from './loopback-server.js';

export type AwsService = 's3' | 'sqs' | 'dynamodb';

/** An error as the service itself answers it: the status and the code its SDK turns into an error name. */
export interface ServiceError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** The errors the suite injects, with the statuses AWS answers them with. */
export const SERVICE_ERRORS = {
  /** DynamoDB, table or index over its provisioned capacity. */
  provisionedThroughputExceeded: {
    status: 400,
    code: 'ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  /** DynamoDB (on-demand) and SQS, request rate too high. */
  throttling: { status: 400, code: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
  /** DynamoDB's 500. */
  internalServerError: { status: 500, code: 'InternalServerError', message: 'Internal server error' },
  /** S3, slow down: the prefix's request rate is too high. */
  slowDown: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
  /** S3's 500. */
  internalError: { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  /** S3 and SQS, 503. */
  serviceUnavailable: { status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request.' },
} as const satisfies Record<string, ServiceError>;

export type FaultAction =
  /** Waits before forwarding; a client that gives up meanwhile is never forwarded. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Answers with the service's error; the emulator never sees the request. */
  | { readonly kind: 'error'; readonly error: ServiceError }
  /** Forwards, relays the status line, headers and half the body, then destroys the socket. */
  | { readonly kind: 'drop' };

export interface FaultRule {
  readonly service: AwsService;
  /** Operation names as the SDK spells them (`PutItem`, `GetObject`, `SendMessage`). @default every operation */
  readonly operations?: readonly string[];
  /**
   * Only requests whose path or body contains this text (an object key, a document id), or every
   * one of these texts (a document id and the status a write sets). @default every request
   */
  readonly matching?: string | readonly string[];
  readonly action: FaultAction;
  /** How many requests the rule hits before it is spent. @default no limit */
  readonly times?: number;
  /** Chance that a matched request is hit, 0–1. @default 1 */
  readonly probability?: number;
}

/** A rule in force: how often it has fired, and a way to lift it. */
export interface Fault {
  readonly rule: FaultRule;
  /** Requests the rule has hit so far. */
  readonly injected: number;
  remove(): void;
}

/** What passed through, by `service:Operation`. */
export type TrafficCounts = Readonly<Record<string, { readonly requests: number; readonly injected: number }>>;

export interface FaultProxyOptions {
  /** fauxqs's endpoint (S3 and SQS). */
  readonly awsTarget: string;
  /** DynamoDB Local's endpoint. */
  readonly dynamoDbTarget: string;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default silent */
  readonly log?: Log;
}

export interface FaultProxy {
  /** Stands for fauxqs: an S3 and SQS endpoint. */
  readonly awsEndpoint: string;
  /** Stands for DynamoDB Local. */
  readonly dynamoDbEndpoint: string;
  inject(rule: FaultRule): Fault;
  /** Lifts every rule. */
  clear(): void;
  /** Requests seen and faults injected since the start (or the last `resetCounts`). */
  counts(): TrafficCounts;
  resetCounts(): void;
  stop(): Promise<void>;
}

/** What the proxy knows of a request when it decides. */
export interface RequestFacts {
  readonly service: AwsService;
  readonly operation: string;
  readonly path: string;
  readonly body: Buffer;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const log = options.log ?? silentLog;
  const random = options.random ?? Math.random;
  const faults = new Set<MutableFault>();
  let traffic = new Map<string, { requests: number; injected: number }>();

  const decide = (facts: RequestFacts): FaultAction | undefined => {
    const tally = traffic.get(`${facts.service}:${facts.operation}`) ?? { requests: 0, injected: 0 };
    traffic.set(`${facts.service}:${facts.operation}`, tally);
    tally.requests += 1;
    for (const fault of faults) {
      if (!ruleMatches(fault.rule, facts) || (fault.rule.probability ?? 1) <= random()) continue;
      fault.injected += 1;
      tally.injected += 1;
      if (fault.rule.times !== undefined && fault.injected >= fault.rule.times) faults.delete(fault);
      return fault.rule.action;
    }
    return undefined;
  };

  const fronts = await Promise.all([
    listen(new URL(options.awsTarget), (request, body) => (isSqsRequest(request.headers, body) ? 'sqs' : 's3'), decide, log),
    listen(new URL(options.dynamoDbTarget), () => 'dynamodb', decide, log),
  ]);
  return {
    awsEndpoint: fronts[0].url,
    dynamoDbEndpoint: fronts[1].url,
    inject(rule) {
      const fault: MutableFault = { rule, injected: 0, remove: () => faults.delete(fault) };
      faults.add(fault);
      return fault;
    },
    clear: () => faults.clear(),
    counts: () => Object.fromEntries([...traffic].map(([name, tally]) => [name, { ...tally }])),
    resetCounts: () => {
      traffic = new Map();
    },
    stop: async () => {
      faults.clear();
      await Promise.all(fronts.map((front) => front.stop()));
    },
  };
}

interface MutableFault extends Fault {
  injected: number;
}

function ruleMatches(rule: FaultRule, facts: RequestFacts): boolean {
  if (rule.service !== facts.service) return false;
  if (rule.operations && !rule.operations.includes(facts.operation)) return false;
  if (rule.matching === undefined) return true;
  const path = safeDecode(facts.path);
  const texts = typeof rule.matching === 'string' ? [rule.matching] : rule.matching;
  return texts.every((text) => path.includes(text) || facts.body.includes(text));
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // not valid percent-encoding: matched as sent
  }
}

/** SQS speaks JSON with an `AmazonSQS.` target (or, from older SDKs, a form with `Action=`); S3 never does. */
function isSqsRequest(headers: IncomingHttpHeaders, body: Buffer): boolean {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.startsWith('AmazonSQS.');
  return String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') && /(^|&)Action=/.test(body.toString('latin1', 0, 2048));
}

/** The operation a request stands for, named as the SDK's command is. */
export function operationOf(service: AwsService, method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.indexOf('.') + 1);
  if (service === 'sqs') return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown';
  if (service === 'dynamodb') return 'Unknown';
  return s3Operation(method, url, headers);
}

/** S3's REST operations by method, path (path-style: `/bucket/key`) and sub-resource. */
function s3Operation(method: string, url: string, headers: IncomingHttpHeaders): string {
  const { pathname, searchParams } = new URL(url, 'http://proxy');
  const [, bucket = '', ...key] = pathname.split('/');
  const onObject = key.join('/') !== '';
  const has = (name: string) => searchParams.has(name);
  if (!bucket) return 'ListBuckets';
  if (!onObject) {
    if (method === 'GET') return searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    if (method === 'POST') return has('delete') ? 'DeleteObjects' : 'PostObject';
    return { HEAD: 'HeadBucket', PUT: 'CreateBucket', DELETE: 'DeleteBucket' }[method] ?? 'Unknown';
  }
  switch (method) {
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'PUT':
      if (has('partNumber')) return 'UploadPart';
      return headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      return has('uploadId') ? 'CompleteMultipartUpload' : 'Unknown';
    default:
      return 'Unknown';
  }
}

/** The body each service's SDK parses into an error of `error.code`'s name. */
export function errorResponse(service: AwsService, error: ServiceError): { headers: Record<string, string>; body: string } {
  const requestId = randomUUID();
  if (service === 's3') {
    return {
      headers: { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId },
      body:
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<Error><Code>${error.code}</Code><Message>${error.message}</Message><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`,
    };
  }
  // DynamoDB's throttling comes from the shared availability layer, the rest from DynamoDB itself.
  const namespace =
    service === 'sqs' ? 'com.amazonaws.sqs' : error.code === 'ThrottlingException' ? 'com.amazon.coral.availability' : 'com.amazonaws.dynamodb.v20120810';
  return {
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
    body: JSON.stringify({ __type: `${namespace}#${error.code}`, message: error.message }),
  };
}

interface Front {
  readonly url: string;
  stop(): Promise<void>;
}

async function listen(
  target: URL,
  serviceOf: (request: IncomingMessage, body: Buffer) => AwsService,
  decide: (facts: RequestFacts) => FaultAction | undefined,
  log: Log,
): Promise<Front> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const service = serviceOf(request, body);
      const method = request.method ?? 'GET';
      const url = request.url ?? '/';
      const operation = operationOf(service, method, url, request.headers, body);
      const action = decide({ service, operation, path: new URL(url, 'http://proxy').pathname, body });
      void apply(action, { request, response, body, service, target, log });
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    stop: listening.stop,
  };
}

interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly body: Buffer;
  readonly service: AwsService;
  readonly target: URL;
  readonly log: Log;
}

async function apply(action: FaultAction | undefined, exchange: Exchange): Promise<void> {
  const { response, service } = exchange;
  if (action?.kind === 'error') {
    const answer = errorResponse(service, action.error);
    response.writeHead(action.error.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) });
    response.end(answer.body);
    return;
  }
  if (action?.kind === 'latency') {
    const clientGone = await delayUnlessClosed(exchange.request, action.ms);
    if (clientGone) return;
  }
  forward(exchange, action?.kind === 'drop');
}

/** Waits `ms`; resolves true early if the client closes the connection meanwhile. */
function delayUnlessClosed(request: IncomingMessage, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = request.socket;
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      socket.off('close', onClose);
      resolve(socket.destroyed);
    }, ms);
    socket.once('close', onClose);
  });
}

function forward({ request, response, body, target, log }: Exchange, dropMidResponse: boolean): void {
  const headers = { ...request.headers, host: target.host, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  delete headers.expect;
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: request.method, path: request.url, headers },
    (answer) => {
      if (!dropMidResponse) {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const whole = Buffer.concat(chunks);
        // The full length is announced and half of it sent, so the client is mid-body when the socket goes.
        const { 'transfer-encoding': _chunked, ...answerHeaders } = answer.headers;
        response.writeHead(answer.statusCode ?? 502, { ...answerHeaders, 'content-length': String(Math.max(whole.length, 2)) });
        response.flushHeaders();
        const half = whole.subarray(0, Math.floor(whole.length / 2));
        if (half.length === 0) setImmediate(() => response.socket?.destroy());
        else response.write(half, () => response.socket?.destroy());
      });
    },
  );
  upstream.on('error', (error) => {
    log(`fault proxy: ${errorMessage(error)}`);
    if (!response.headersSent) response.writeHead(502).end();
    else response.destroy();
  });
  upstream.end(body);
}
