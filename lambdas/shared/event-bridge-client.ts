import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/**
 * The EventBridge client, once per execution environment. In a module of its own so that only
 * the functions that put events bundle it. Locally, `AWS_ENDPOINT_URL_EVENTBRIDGE` points it at
 * the runtime's event log.
 */
export const eventBridgeClient = new EventBridgeClient({ maxAttempts: 4 });
