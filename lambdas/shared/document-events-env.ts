import { z } from 'zod';
import { DOCUMENT_EVENTS_ENV } from './contract.js';
import { parseEnvironment } from './parse-environment.js';

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
  const values = parseEnvironment(documentEventsEnvSchema, env, 'document-event publisher');
  return {
    eventBusName: values[DOCUMENT_EVENTS_ENV.eventBusName],
    eventSource: values[DOCUMENT_EVENTS_ENV.eventSource],
  };
}
