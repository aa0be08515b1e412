import { z } from 'zod';
import { DOCUMENT_EVENTS_ENV } from './contract.js';

const documentEventsEnvSchema = z.object({
  [DOCUMENT_EVENTS_ENV.eventBusName]: z.string().min(1),
  [DOCUMENT_EVENTS_ENV.eventSource]: z.string().min(1),
});

/** Settings of the document-event publisher. */
export interface DocumentEventsSettings {
  /** Bus name or ARN; `default` is the account's default bus. */
  readonly eventBusName: string;
  /** The events' `source`. */
  readonly eventSource: string;
}

/** Reads the publisher's settings, failing fast with every missing variable named. */
export function loadDocumentEventsSettings(env: NodeJS.ProcessEnv = process.env): DocumentEventsSettings {
  const parsed = documentEventsEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment for the document-event publisher: ${problems.join('; ')}`);
  }
  return {
    eventBusName: parsed.data[DOCUMENT_EVENTS_ENV.eventBusName],
    eventSource: parsed.data[DOCUMENT_EVENTS_ENV.eventSource],
  };
}
