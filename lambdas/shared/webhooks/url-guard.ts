/**
 * Where webhooks may be sent (SSRF protection). Two checks, because a name can change what it
 * points to after it was accepted:
 *
 * 1. when a subscription is created (`checkWebhookUrl`): the URL's form: scheme, length, no
 *    credentials, and no literal address or well-known name that is off limits;
 * 2. at every delivery (`checkResolvedAddresses`, through the delivery client's DNS lookup): every
 *    address the name resolves to, and the connection goes to the address that was checked, so a
 *    name cannot be re-pointed between the check and the request (DNS rebinding).
 *
 * `deployed` (every AWS environment): `https` only, and no private, loopback, link-local,
 * metadata, shared, multicast or reserved address, IPv4 or IPv6 (mapped and translated forms
 * included). `local` (the local runtime): `http` is allowed too, to loopback only, so a receiver
 * on the same machine works; `https` follows the deployed rules.
 *
 * Redirects are never followed (the client treats a 3xx as a failed attempt).
 */
import { BlockList, isIP } from 'node:net';
import { MAX_WEBHOOK_URL_LENGTH } from './webhook-contract.js';

export type UrlPolicy = 'deployed' | 'local';
export const URL_POLICIES: readonly UrlPolicy[] = ['deployed', 'local'];

export { MAX_WEBHOOK_URL_LENGTH } from './webhook-contract.js';

export class ForbiddenTargetError extends Error {
  override readonly name = 'ForbiddenTargetError';
  constructor(
    /** Stable code, shown in the API error and the delivery log. */
    readonly code: 'INVALID_URL' | 'INSECURE_URL' | 'FORBIDDEN_ADDRESS',
    message: string,
  ) {
    super(message);
  }
}

/** Ranges no deployed webhook may reach. */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, including the instance metadata service 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (192.0.0.192 is Oracle's metadata)
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, ...)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address we cannot vouch for
  ['fc00::', 7], // unique local (ULA), including AWS's fd00:ec2::254 metadata endpoint
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Names that always mean this machine or a cloud metadata service, whatever DNS says. */
const FORBIDDEN_NAMES = /(^|\.)(localhost|localdomain|internal|local)$|^metadata(\.google\.internal)?$|^instance-data$/i;

/**
 * The IPv4 address an IPv6 address carries, for the forms that reach it: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`) and the NAT64 well-known prefix
 * (`64:ff9b::a.b.c.d`); undefined for any other.
 */
export function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const high = groups.slice(0, 6);
  const isMapped = high.slice(0, 5).every((group) => group === 0) && (high[5] === 0xffff || high[5] === 0);
  const isNat64 = high[0] === 0x64 && high[1] === 0xff9b && high.slice(2).every((group) => group === 0);
  if (!isMapped && !isNat64) return undefined;
  // `::` and `::1` are IPv6's own unspecified and loopback addresses, not IPv4 ones.
  if (high.every((group) => group === 0) && groups[6] === 0 && groups[7]! <= 1) return undefined;
  const [a, b] = [groups[6]!, groups[7]!];
  return `${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
}

/** The eight 16-bit groups of an IPv6 address, or undefined if it is not one. */
function expandIpv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.split('%')[0]!.toLowerCase();
  // A trailing dotted IPv4 part becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, -dotted[1]!.length)}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const fill = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  const groups = [...left, ...fill, ...right];
  return groups.length === 8 ? groups : undefined;
}

/** Whether a deployed webhook may connect to this address (an IP literal). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return !FORBIDDEN.check(address, 'ipv4');
  const ipv4 = embeddedIpv4(address);
  if (ipv4 !== undefined) return !FORBIDDEN.check(ipv4, 'ipv4');
  return !FORBIDDEN.check(address.split('%')[0]!, 'ipv6');
}

function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return LOOPBACK.check(address, 'ipv4');
  if (family === 6) {
    const ipv4 = embeddedIpv4(address);
    return ipv4 !== undefined ? LOOPBACK.check(ipv4, 'ipv4') : LOOPBACK.check(address, 'ipv6');
  }
  return false;
}

/** The host of a URL as an address, without IPv6 brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Checks a subscription's URL when it is created (and again, cheaply, before each delivery).
 * Returns the parsed URL; throws `ForbiddenTargetError`.
 */
export function checkWebhookUrl(raw: string, policy: UrlPolicy): URL {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new ForbiddenTargetError('INVALID_URL', `The URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters.`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ForbiddenTargetError('INVALID_URL', 'The URL is not an absolute URL.');
  }
  if (url.username || url.password) throw new ForbiddenTargetError('INVALID_URL', 'The URL must not carry credentials.');
  if (url.hash) throw new ForbiddenTargetError('INVALID_URL', 'The URL must not have a fragment.');
  const host = bareHost(url);
  if (url.protocol === 'http:') {
    if (policy === 'local' && (isLoopbackAddress(host) || host === 'localhost')) return url;
    throw new ForbiddenTargetError(
      'INSECURE_URL',
      policy === 'local' ? 'Plain http is allowed to loopback addresses only; use https.' : 'The URL must use https.',
    );
  }
  if (url.protocol !== 'https:') throw new ForbiddenTargetError('INVALID_URL', 'The URL must use https.');
  if (isIP(host) !== 0 ? !isPublicAddress(host) : FORBIDDEN_NAMES.test(host.replace(/\.$/, ''))) {
    if (policy === 'local' && (isLoopbackAddress(host) || host === 'localhost')) return url;
    throw new ForbiddenTargetError('FORBIDDEN_ADDRESS', `${host} is a private, loopback, link-local or metadata address.`);
  }
  return url;
}

/**
 * Checks what a host name resolved to, at delivery time: every address must be public
 * (`deployed`), or loopback for a URL the local policy let through as plain http. A name with
 * one bad address among good ones is refused as a whole: the client could be given either.
 */
export function checkResolvedAddresses(host: string, addresses: readonly string[], policy: UrlPolicy, url: URL): void {
  if (addresses.length === 0) throw new ForbiddenTargetError('FORBIDDEN_ADDRESS', `${host} resolved to no address.`);
  const allowLoopback = policy === 'local' && (url.protocol === 'http:' || isLoopbackAddress(bareHost(url)) || bareHost(url) === 'localhost');
  for (const address of addresses) {
    if (isPublicAddress(address)) continue;
    if (allowLoopback && isLoopbackAddress(address)) continue;
    throw new ForbiddenTargetError('FORBIDDEN_ADDRESS', `${host} resolves to ${address}, a private, loopback, link-local or metadata address.`);
  }
}
