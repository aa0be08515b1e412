/**
 * The security headers the web uploader is served with: CloudFront's response headers policy
 * (`lib/constructs/web-site.ts`) and the local web server (`local/web-server.ts`) both build them
 * from here, so the page is tested locally under the policy it gets in AWS.
 */

/** What the page may connect to besides itself: the API, the bucket's uploads, Cognito. */
export function contentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const SECURITY_HEADERS = {
  /** The Cognito code is in the page's URL on return: no referrer carries it anywhere. */
  referrerPolicy: 'no-referrer',
  frameOptions: 'DENY',
  contentTypeOptions: 'nosniff',
  /** Two years, as HSTS preload lists expect; sent over HTTPS only. */
  strictTransportSecurityMaxAgeSeconds: 63_072_000,
  /** The page needs none of these. */
  permissionsPolicy: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  crossOriginOpenerPolicy: 'same-origin',
} as const;

/** The headers as an HTTP server sends them over plain HTTP (locally: no HSTS, which HTTP ignores). */
export function securityHeaders(connectSources: readonly string[]): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(connectSources),
    'Referrer-Policy': SECURITY_HEADERS.referrerPolicy,
    'X-Frame-Options': SECURITY_HEADERS.frameOptions,
    'X-Content-Type-Options': SECURITY_HEADERS.contentTypeOptions,
    'Permissions-Policy': SECURITY_HEADERS.permissionsPolicy,
    'Cross-Origin-Opener-Policy': SECURITY_HEADERS.crossOriginOpenerPolicy,
  };
}
