/**
 * The delivery queue's messages: a document event from the EventBridge rule (fanned out by the
 * delivery function), or a task asking for one attempt of one delivery, queued by the fan-out,
 * a test or a redelivery.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryRef } from '../webhook-store.js';

export interface DeliveryTask extends DeliveryRef {
  readonly kind: 'deliver';
}

export function isDeliveryTask(body: unknown): body is DeliveryTask {
  const task = body as Partial<DeliveryTask> | null;
  return (
    typeof task === 'object' &&
    task !== null &&
    task.kind === 'deliver' &&
    typeof task.webhookId === 'string' &&
    typeof task.ownerId === 'string' &&
    typeof task.deliveryKey === 'string'
  );
}

export async function sendDeliveryTask(sqs: SQSClient, queueUrl: string, task: DeliveryRef): Promise<void> {
  const body: DeliveryTask = { kind: 'deliver', webhookId: task.webhookId, ownerId: task.ownerId, deliveryKey: task.deliveryKey };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));
}
