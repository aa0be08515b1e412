/**
 * S3's POST Object rules, for the local bucket: the multipart form a presigned POST sends, its
 * signature and its policy (expiration, conditions, `content-length-range`). fauxqs checks none of
 * this, so without it the local bucket would store what S3 refuses. Pure functions: the proxy in
 * `s3-cors-proxy.ts` reads the request and stores the object.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A refusal in S3's terms: the status, the error code and the XML elements S3 sends beside it. */
export interface S3Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, string | number>>;
}

export interface PostForm {
  /** Every field before the file, by name as sent. */
  readonly fields: Readonly<Record<string, string>>;
  readonly file?: Buffer;
  readonly filename?: string;
}

/** Fields that need no condition of their own (S3's list). */
const UNCONDITIONED_FIELDS = new Set(['policy', 'x-amz-signature', 'file']);

export const malformedPost = (message: string): S3Refusal => ({ status: 400, code: 'MalformedPOSTRequest', message });
const accessDenied = (message: string): S3Refusal => ({ status: 403, code: 'AccessDenied', message });

/** The error document S3 answers with. */
export function s3ErrorXml(refusal: S3Refusal, requestId: string): string {
  const details = Object.entries(refusal.details ?? {})
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message>` +
    `${details}<RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`
  );
}

/**
 * Splits a multipart/form-data body into its fields and the file. As in S3, the `file` field is
 * the last one: anything after it is ignored.
 */
export function parsePostForm(body: Buffer, contentType: string | undefined): PostForm | S3Refusal {
  const boundary = /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  if (!boundary) return malformedPost('The body of your POST request is not well-formed multipart/form-data.');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, string> = {};
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === '--') break; // the closing delimiter
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    const headerEnd = body.indexOf('\r\n\r\n', partStart);
    if (headerEnd === -1 || headerEnd > next) return malformedPost('A part of the form has no header.');
    const headers = body.subarray(partStart, headerEnd).toString('utf8');
    const disposition = /content-disposition:\s*form-data;\s*name="([^"]*)"(?:;\s*filename="([^"]*)")?/i.exec(headers);
    if (!disposition) return malformedPost('A part of the form has no Content-Disposition.');
    // The value runs to the CRLF before the next delimiter.
    const value = body.subarray(headerEnd + 4, next - 2);
    const name = disposition[1]!;
    if (name.toLowerCase() === 'file') return { fields, file: value, filename: disposition[2] };
    fields[name] = value.toString('utf8');
    start = next;
  }
  return { fields };
}

/** A field by name, ignoring case as S3 does. */
export function fieldOf(fields: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(fields)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export interface PostCheck {
  readonly bucket: string;
  readonly form: PostForm;
  /** The secret of the access key the emulators accept. */
  readonly secretAccessKey: string;
  readonly now: Date;
}

/**
 * Checks a POST Object request as S3 does: a signed policy, not expired, whose every condition
 * holds, and which names every field sent. Returns the refusal, or `undefined` when it may be stored.
 */
export function checkPostPolicy({ bucket, form, secretAccessKey, now }: PostCheck): S3Refusal | undefined {
  const { fields } = form;
  if (form.file === undefined) return { status: 400, code: 'InvalidArgument', message: 'POST requires exactly one file upload per request.' };
  if (!fieldOf(fields, 'key')) return { status: 400, code: 'InvalidArgument', message: "Bucket POST must contain a field named 'key'." };
  const policyText = fieldOf(fields, 'policy');
  if (!policyText) return accessDenied('Anonymous POST is not allowed on this bucket.');

  const signatureRefusal = checkSignature(fields, policyText, secretAccessKey);
  if (signatureRefusal) return signatureRefusal;

  let policy: { expiration?: unknown; conditions?: unknown };
  try {
    policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8')) as typeof policy;
  } catch {
    return { status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' };
  }
  if (typeof policy.expiration !== 'string' || !Array.isArray(policy.conditions)) {
    return { status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: expiration and conditions are required.' };
  }
  if (!(Date.parse(policy.expiration) > now.getTime())) return accessDenied('Invalid according to Policy: Policy expired.');

  const covered = new Set<string>();
  const valueOf = (name: string) => (name === 'bucket' ? bucket : fieldOf(fields, name));
  for (const condition of policy.conditions as unknown[]) {
    const failed = () => accessDenied(`Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);
    if (Array.isArray(condition) && condition[0] === 'content-length-range') {
      const [, min, max] = condition as [string, number, number];
      const size = form.file.byteLength;
      if (size > max) {
        return { status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size', details: { ProposedSize: size, MaxSizeAllowed: max } };
      }
      if (size < min) {
        return { status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size', details: { ProposedSize: size, MinSizeAllowed: min } };
      }
      continue;
    }
    const [operator, name, expected] = Array.isArray(condition)
      ? [String(condition[0]).toLowerCase(), String(condition[1]).replace(/^\$/, '').toLowerCase(), String(condition[2])]
      : (() => {
          const [entry] = Object.entries(condition as Record<string, unknown>);
          return ['eq', (entry?.[0] ?? '').toLowerCase(), String(entry?.[1])];
        })();
    covered.add(name);
    const actual = valueOf(name) ?? '';
    if (operator === 'eq' && actual !== expected) return failed();
    if (operator === 'starts-with' && !actual.startsWith(expected)) return failed();
    if (operator !== 'eq' && operator !== 'starts-with') return { status: 400, code: 'InvalidPolicyDocument', message: `Invalid Policy: unknown condition ${JSON.stringify(condition)}.` };
  }

  const extra = Object.keys(fields).filter(
    (name) => !UNCONDITIONED_FIELDS.has(name.toLowerCase()) && !name.toLowerCase().startsWith('x-ignore-') && !covered.has(name.toLowerCase()),
  );
  if (extra.length > 0) return accessDenied(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  return undefined;
}

/** Signature Version 4 of a POST: the policy (as sent, base64) signed with the key of the credential's scope. */
function checkSignature(fields: Readonly<Record<string, string>>, policyText: string, secretAccessKey: string): S3Refusal | undefined {
  const signature = fieldOf(fields, 'x-amz-signature') ?? '';
  const [, date, region, service] = (fieldOf(fields, 'x-amz-credential') ?? '').split('/');
  if (fieldOf(fields, 'x-amz-algorithm') !== 'AWS4-HMAC-SHA256' || !date || !region || !service) {
    return accessDenied('Only AWS4-HMAC-SHA256 signed POST requests are accepted.');
  }
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = hmac(signingKey, policyText);
  const given = Buffer.from(signature, 'hex');
  if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    };
  }
  return undefined;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
