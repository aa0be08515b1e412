/** Where webhooks may go (SSRF): URL checks at subscription time and address checks after DNS. */
import { describe, expect, it } from 'vitest';
import {
  checkResolvedAddresses,
  checkWebhookUrl,
  embeddedIpv4,
  ForbiddenTargetError,
  isPublicAddress,
  MAX_WEBHOOK_URL_LENGTH,
} from '../../lambdas/shared/webhooks/url-guard.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ForbiddenTargetError) return error.code;
    throw error;
  }
  return 'ALLOWED';
};

describe('isPublicAddress', () => {
  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '127.0.0.1',
    '127.1.2.3',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '::127.0.0.1',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('reads the IPv4 address inside mapped and NAT64 forms', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('64:ff9b::a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIpv4('::1')).toBeUndefined();
    expect(embeddedIpv4('2606:4700::1')).toBeUndefined();
  });
});

describe('checkWebhookUrl', () => {
  it('accepts an https URL of a public name in both policies', () => {
    expect(checkWebhookUrl('https://hooks.example.com/pdf?x=1', 'deployed').href).toBe('https://hooks.example.com/pdf?x=1');
    expect(codeOf(() => checkWebhookUrl('https://hooks.example.com/pdf', 'local'))).toBe('ALLOWED');
  });

  it.each([
    ['http://hooks.example.com/', 'deployed', 'INSECURE_URL'],
    ['http://127.0.0.1:8080/hook', 'deployed', 'INSECURE_URL'],
    ['http://hooks.example.com/', 'local', 'INSECURE_URL'],
    ['http://10.0.0.5/', 'local', 'INSECURE_URL'],
    ['ftp://hooks.example.com/', 'deployed', 'INVALID_URL'],
    ['not a url', 'deployed', 'INVALID_URL'],
    ['https://user:pw@hooks.example.com/', 'deployed', 'INVALID_URL'],
    ['https://127.0.0.1/', 'deployed', 'FORBIDDEN_ADDRESS'],
    ['https://[::1]/', 'deployed', 'FORBIDDEN_ADDRESS'],
    ['https://[fd12:3456::1]/', 'deployed', 'FORBIDDEN_ADDRESS'],
    ['https://[::ffff:169.254.169.254]/', 'deployed', 'FORBIDDEN_ADDRESS'],
    ['https://169.254.169.254/latest/meta-data', 'deployed', 'FORBIDDEN_ADDRESS'],
    ['https://192.168.0.10/', 'deployed', 'FORBIDDEN_ADDRESS'],
    ['https://localhost/', 'deployed', 'FORBIDDEN_ADDRESS'],
    ['https://metadata.google.internal/', 'deployed', 'FORBIDDEN_ADDRESS'],
  ] as const)('refuses %s (%s) with %s', (url, policy, code) => {
    expect(codeOf(() => checkWebhookUrl(url, policy))).toBe(code);
  });

  it('allows plain http to loopback locally only', () => {
    expect(codeOf(() => checkWebhookUrl('http://127.0.0.1:4000/hook', 'local'))).toBe('ALLOWED');
    expect(codeOf(() => checkWebhookUrl('http://[::1]:4000/hook', 'local'))).toBe('ALLOWED');
    expect(codeOf(() => checkWebhookUrl('http://localhost:4000/hook', 'local'))).toBe('ALLOWED');
  });

  it('refuses URLs longer than the limit', () => {
    const url = `https://hooks.example.com/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH)}`;

    expect(codeOf(() => checkWebhookUrl(url, 'deployed'))).toBe('INVALID_URL');
  });
});

describe('checkResolvedAddresses', () => {
  const url = new URL('https://hooks.example.com/');

  it('refuses a deployed name that resolves to 127.0.0.1', () => {
    expect(codeOf(() => checkResolvedAddresses('hooks.example.com', ['127.0.0.1'], 'deployed', url))).toBe('FORBIDDEN_ADDRESS');
  });

  it('refuses a name with one private address among public ones', () => {
    expect(codeOf(() => checkResolvedAddresses('hooks.example.com', ['93.184.215.14', '10.1.2.3'], 'deployed', url))).toBe('FORBIDDEN_ADDRESS');
  });

  it('refuses a name resolving to IPv6 loopback or a ULA, and one resolving to nothing', () => {
    expect(codeOf(() => checkResolvedAddresses('h', ['::1'], 'deployed', url))).toBe('FORBIDDEN_ADDRESS');
    expect(codeOf(() => checkResolvedAddresses('h', ['fd00::1'], 'deployed', url))).toBe('FORBIDDEN_ADDRESS');
    expect(codeOf(() => checkResolvedAddresses('h', [], 'deployed', url))).toBe('FORBIDDEN_ADDRESS');
  });

  it('allows public addresses, and loopback for a local plain-http URL', () => {
    expect(codeOf(() => checkResolvedAddresses('h', ['93.184.215.14', '2606:4700:4700::1111'], 'deployed', url))).toBe('ALLOWED');
    expect(codeOf(() => checkResolvedAddresses('localhost', ['127.0.0.1', '::1'], 'local', new URL('http://localhost:3/')))).toBe('ALLOWED');
  });

  it('still refuses private addresses for a local https URL of a public name', () => {
    expect(codeOf(() => checkResolvedAddresses('h', ['192.168.1.2'], 'local', url))).toBe('FORBIDDEN_ADDRESS');
  });
});
