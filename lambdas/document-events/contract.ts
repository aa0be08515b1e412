/**
 * The document-event publisher's contract: its handler and sizing, the environment it is given
 * (built here from the config, for the stack, the local runtime and the tests alike), the settings
 * it reads back from that environment, and the metrics it emits.
 */
import { z } from 'zod';
import type { EnvironmentConfig } from '../../lib/config/schema.js';
import { powertoolsEnvironment } from '../shared/function-environment.js';
import { SERVICE_NAMES } from '../shared/metric-names.js';
import { parseEnvironment } from '../shared/parse-environment.js';

/**
 * The handler (relative to the project root), the `service` its metrics carry, and the function
 * and its stream event source, the same in every environment.
 */
export const DOCUMENT_EVENTS_FUNCTION = {
  entry: 'lambdas/document-events/handler.ts',
  serviceName: SERVICE_NAMES.documentEvents,
  memoryMb: 256,
  timeoutSeconds: 30,
  /** Records per invocation; each terminal change is one PutEvents call. */
  batchSize: 10,
  /**
   * Retries of a failing batch. The function checkpoints every record it published, so a retry
   * resumes at the record that failed; the bus has many chances to come back before
   * `events.maxRecordAgeHours`, and a record that can never be published does not block the
   * shard for ever.
   */
  retryAttempts: 100,
} as const;

/** Environment variables the stack (and the local runtime) set on the document-event publisher. */
export const DOCUMENT_EVENTS_ENV = {
  /** Name of the EventBridge bus events are put on (`default` for the account's default bus). */
  eventBusName: 'EVENT_BUS_NAME',
  /** The events' `source`, e.g. `pdf-pipeline.prod`. */
  eventSource: 'DOCUMENT_EVENT_SOURCE',
} as const;

/** Metrics the publisher emits. */
export const DOCUMENT_EVENT_METRICS = {
  /** Count, with the `DetailType` dimension: events put on the bus. */
  eventsPublished: 'DocumentEventsPublished',
} as const;

/** `source` of the document events, e.g. `pdf-pipeline.prod`, so consumers tell environments apart. */
export const documentEventSource = (envName: string): string => `pdf-pipeline.${envName}`;

/** The variables the publisher runs with: all from the config. */
export function documentEventsEnvironment(config: EnvironmentConfig): Record<string, string> {
  return {
    [DOCUMENT_EVENTS_ENV.eventBusName]: config.events.busName,
    [DOCUMENT_EVENTS_ENV.eventSource]: documentEventSource(config.envName),
    ...powertoolsEnvironment(config, DOCUMENT_EVENTS_FUNCTION.serviceName),
  };
}

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
