/** `auth`: who may call the API: a Cognito user pool, its app client and the API's OAuth scopes. */
import { z } from 'zod';
import { list, oneOf, wholeNumber } from '../rules.js';

const REDIRECT_URL = /^(https:\/\/[^\s]+|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?\/[^\s]*)$/;
const redirectUrl = z.string().regex(REDIRECT_URL, {
  error: (issue) => `"${String(issue.input)}" must be an https URL (or http://localhost)`,
});

export const authSchema = z.strictObject({
  // The pool's `admin` group belongs to whoever owns the pool: it must exist there already.
  existingUserPoolId: z
    .string()
    .regex(/^[\w-]+_[0-9a-zA-Z]+$/, { error: 'must look like eu-west-1_AbCdEf123' })
    .optional()
    .describe('use this existing user pool instead of creating one'),
  domainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { error: 'must be lower-case letters, digits and hyphens' })
    .refine((prefix) => !/aws|amazon|cognito/.test(prefix), { error: 'must not contain "aws", "amazon" or "cognito"' })
    .optional()
    .describe('Cognito domain prefix (`<prefix>.auth.<region>.amazoncognito.com`); default `pdf-pipeline-<env>-<account>`'),
  callbackUrls: z
    .array(redirectUrl)
    .min(1, { error: 'must name at least one URL' })
    .readonly()
    .describe('where sign-in may return to (authorization code grant with PKCE)'),
  logoutUrls: list(redirectUrl).describe('where sign-out may return to'),
  mfa: oneOf(['OPTIONAL', 'REQUIRED']).describe('`REQUIRED` makes every user set up TOTP before signing in'),
  accessTokenValidityMinutes: wholeNumber(5, 1440).describe('lifetime of access tokens'),
});
export type AuthConfig = z.infer<typeof authSchema>;
