/** `web`: the web uploader, a static page on CloudFront signing in with the environment's app client. */
import { z } from 'zod';

export const webSchema = z.strictObject({
  // Its CloudFront URL exists only once CloudFront names the distribution, so the stack (not
  // this config) adds it to the API's allowed origins and the app client's URLs.
  enabled: z.boolean().describe('deploy the web uploader on CloudFront'),
});
export type WebConfig = z.infer<typeof webSchema>;
