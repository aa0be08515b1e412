/**
 * The one way a webhook leaves the system: a POST with a deadline, to an address checked after
 * DNS resolution (`url-guard.ts`), never following a redirect.
 *
 * The check sits in the socket's own DNS lookup, so the connection goes to exactly the address
 * that was checked: a name re-pointed at a private address between a check and the connect
 * (DNS rebinding) is refused too. TLS still verifies the certificate against the URL's name.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkResolvedAddresses, checkWebhookUrl, ForbiddenTargetError, type UrlPolicy } from '../shared/webhooks/url-guard.js';

/** Resolves a host name to its addresses (all families). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface PostResult {
  readonly statusCode: number;
}

export interface WebhookPostOptions {
  readonly policy: UrlPolicy;
  /** The whole request, connect to the end of the response, in milliseconds. */
  readonly timeoutMs: number;
  /** @default systemResolver */
  readonly resolve?: Resolver;
}

/** What a delivery attempt may be refused or fail with before any status code. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly code: 'TIMEOUT' | 'CONNECTION' | 'FORBIDDEN_ADDRESS' | 'INVALID_URL' | 'INSECURE_URL',
    message: string,
  ) {
    super(message);
  }
}

/** Answers longer than this are not read further: only the status code matters. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs `body` to `rawUrl` and returns the status code; throws `DeliveryError` when the URL or
 * its addresses are off limits, on a connection failure and at the deadline.
 */
export async function postWebhook(
  rawUrl: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  options: WebhookPostOptions,
): Promise<PostResult> {
  const resolve = options.resolve ?? systemResolver;
  let url: URL;
  try {
    url = checkWebhookUrl(rawUrl, options.policy);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // A literal address never reaches the lookup below: check it here.
    if (isIP(host) !== 0) checkResolvedAddresses(host, [host], options.policy, url);
  } catch (error) {
    if (error instanceof ForbiddenTargetError) throw new DeliveryError(error.code, error.message);
    throw error;
  }

  let refused: ForbiddenTargetError | undefined;
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname)
      .then((addresses) => {
        checkResolvedAddresses(hostname, addresses, options.policy, url);
        const entries = addresses.map((address) => ({ address, family: isIP(address) }));
        const wanted = lookupOptions.family ? entries.filter((entry) => entry.family === lookupOptions.family) : entries;
        if (wanted.length === 0) throw new ForbiddenTargetError('FORBIDDEN_ADDRESS', `${hostname} has no address of the family asked for.`);
        if (lookupOptions.all) (callback as (error: null, addresses: typeof wanted) => void)(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      })
      .catch((error: unknown) => {
        if (error instanceof ForbiddenTargetError) refused = error;
        callback(error as NodeJS.ErrnoException, '', 0);
      });
  };

  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    lookup,
    signal: AbortSignal.timeout(options.timeoutMs),
    // No keep-alive pool shared between subscribers' endpoints.
    agent: false,
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<PostResult>((resolvePromise, reject) => {
    const request = send(url, requestOptions, (response) => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) response.destroy();
      });
      const done = () => resolvePromise({ statusCode: response.statusCode ?? 0 });
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (refused) reject(new DeliveryError('FORBIDDEN_ADDRESS', refused.message));
      else if (error.name === 'AbortError' || error.name === 'TimeoutError') {
        reject(new DeliveryError('TIMEOUT', `No answer within ${options.timeoutMs} ms.`));
      } else reject(new DeliveryError('CONNECTION', `Could not deliver: ${error.code ?? error.message}.`));
    });
    request.end(body);
  });
}
