/**
 * The local bucket's front door, where the API function signs its presigned URLs, so every URL a
 * client receives goes through it. fauxqs falls short of S3 in two ways this proxy makes up for:
 *
 * - CORS: fauxqs answers none, so a browser could not POST a presigned upload, nor read a
 *   presigned download or a spilled page. The proxy answers as the deployed bucket's CORS rule
 *   does (`BUCKET_CORS`, for the API's allowed origins).
 * - POST Object (presigned uploads): fauxqs checks no policy, and refuses any body over its
 *   11 MiB limit by closing the connection mid-upload, which a client sees as a dropped
 *   connection (`fetch failed`). The proxy reads the whole form, checks its signature and policy
 *   as S3 does (`post-policy.ts`), answers S3's error when they fail, and stores what passes in
 *   parts fauxqs accepts.
 *
 * Everything else passes through untouched.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BUCKET_CORS, CORS_MAX_AGE_SECONDS } from '../lambdas/api/routes.js';
import { errorMessage, type Log } from './log.js';
import { listenOnLoopback } from './loopback-server.js';
import { readBodyUpTo } from './request-body.js';
import { checkPostPolicy, fieldOf, parsePostForm, s3ErrorXml, type PostForm, type S3Refusal } from './post-policy.js';

export interface S3CorsProxyOptions {
  /** fauxqs's endpoint, e.g. `http://127.0.0.1:4566`. */
  readonly target: string;
  /** Origins the bucket's CORS rule allows; none answers no CORS, as a bucket without a rule. */
  readonly allowedOrigins: readonly string[];
  /** How presigned POSTs are checked and stored. */
  readonly postObject: PostObjectOptions;
  readonly log: Log;
}

export interface PostObjectOptions {
  /** Stores the objects: a client of `target`. */
  readonly s3: S3Client;
  /** The secret of the access key the API function signs with. */
  readonly secretAccessKey: string;
  /**
   * The largest form read into memory: above every policy's `content-length-range`, plus the
   * fields. A larger body is read to its end and refused as S3 refuses it (`EntityTooLarge`).
   */
  readonly maxFormBytes: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** Parts of a stored upload: S3's minimum is 5 MiB, and fauxqs takes no body over 11 MiB. */
const PART_BYTES = 8 * 1024 * 1024;

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
    const cors = corsHeaders(origin, request.method, options.allowedOrigins);
    const bucket = postObjectBucket(request);
    if (bucket) {
      postObject(request, response, bucket, cors, options.postObject).catch((error: unknown) => {
        options.log(`s3 proxy: POST Object: ${errorMessage(error)}`);
        if (!response.headersSent) sendRefusal(response, { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' }, cors);
        else response.destroy();
      });
      return;
    }
    forward(request, response, target, cors, options.log);
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
      // An answer cut short upstream is cut short here too (pipeline destroys the response), so
      // the client sees the dropped connection it would see without the proxy, not a stalled body.
      pipeline(answer, response, () => undefined);
    },
  );
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    log(`s3 proxy: ${errorMessage(error)}`);
    // An emulator that is not there is answered; a connection cut mid-exchange (the fault proxy's
    // doing) is cut here too, so the client sees what it would see without the proxy.
    if (!response.headersSent && error.code === 'ECONNREFUSED') {
      response.writeHead(502, { 'Content-Type': 'application/xml', ...cors });
      response.end('<Error><Code>ServiceUnavailable</Code><Message>The local S3 emulator did not answer.</Message></Error>');
    } else {
      response.destroy();
    }
  });
  request.pipe(upstream);
}

/** The bucket a POST Object request names (`POST /<bucket>` with a multipart form), if it is one. */
function postObjectBucket(request: IncomingMessage): string | undefined {
  if (request.method !== 'POST' || !/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) return undefined;
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const match = /^\/([^/]+)\/?$/.exec(path);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

async function postObject(request: IncomingMessage, response: ServerResponse, bucket: string, cors: Record<string, string>, options: PostObjectOptions) {
  // The whole body is read before any answer, as S3 does: a client still sending when the
  // answer comes would see its connection reset instead of the error.
  const body = await readBodyUpTo(request, options.maxFormBytes);
  if (body === undefined) {
    const proposed = Number(request.headers['content-length']);
    return sendRefusal(
      response,
      {
        status: 400,
        code: 'EntityTooLarge',
        message: 'Your proposed upload exceeds the maximum allowed size',
        details: { ...(Number.isFinite(proposed) ? { ProposedSize: proposed } : {}), MaxSizeAllowed: options.maxFormBytes },
      },
      cors,
    );
  }
  const form = parsePostForm(body, request.headers['content-type']);
  if (!('fields' in form)) return sendRefusal(response, form, cors);
  const refusal = checkPostPolicy({ bucket, form, secretAccessKey: options.secretAccessKey, now: (options.now ?? (() => new Date()))() });
  if (refusal) return sendRefusal(response, refusal, cors);

  const key = fieldOf(form.fields, 'key')!.replaceAll('${filename}', form.filename ?? '');
  const eTag = await store(options.s3, bucket, key, form);
  const location = `http://${request.headers.host ?? 'localhost'}/${bucket}/${encodeURIComponent(key)}`;
  const status = Number(fieldOf(form.fields, 'success_action_status'));
  const headers = { ...cors, ETag: eTag, Location: location };
  if (status === 201) {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${location}</Location><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${eTag}</ETag></PostResponse>`;
    response.writeHead(201, { ...headers, 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(xml)) });
    return response.end(xml);
  }
  response.writeHead(status === 200 ? 200 : 204, { ...headers, 'Content-Length': '0' });
  response.end();
}

/** Stores the file with the form's content type and metadata: in one request, or in parts when large. */
async function store(s3: S3Client, bucket: string, key: string, form: PostForm): Promise<string> {
  const file = form.file!;
  const attributes = {
    Bucket: bucket,
    Key: key,
    ContentType: fieldOf(form.fields, 'content-type') ?? 'binary/octet-stream',
    Metadata: Object.fromEntries(
      Object.entries(form.fields)
        .filter(([name]) => name.toLowerCase().startsWith('x-amz-meta-'))
        .map(([name, value]) => [name.slice('x-amz-meta-'.length).toLowerCase(), value]),
    ),
  };
  if (file.byteLength <= PART_BYTES) return (await s3.send(new PutObjectCommand({ ...attributes, Body: file }))).ETag ?? '';
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand(attributes));
  try {
    const parts = [];
    for (let offset = 0, number = 1; offset < file.byteLength; offset += PART_BYTES, number += 1) {
      const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: number, Body: file.subarray(offset, offset + PART_BYTES) }));
      parts.push({ PartNumber: number, ETag: part.ETag });
    }
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
    return done.ETag ?? '';
  } catch (error) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    throw error;
  }
}

function sendRefusal(response: ServerResponse, refusal: S3Refusal, cors: Record<string, string>): void {
  const body = s3ErrorXml(refusal, randomBytes(8).toString('hex').toUpperCase());
  response.writeHead(refusal.status, { ...cors, 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) });
  response.end(body);
}
