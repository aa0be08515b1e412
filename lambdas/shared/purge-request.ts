import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';

/**
 * What the purge of a deleted document needs to know, sent on the purge queue by the API and
 * found again by the sweeper from the pending purge task if the message never arrived.
 */
export const PurgeRequest = z.object({
  documentId: z.string().min(1),
  /** Bucket and key of the original; absent for a record that never had an object. */
  bucket: z.string().min(1).optional(),
  objectKey: z.string().min(1).optional(),
});
export type PurgeRequest = z.infer<typeof PurgeRequest>;

export async function sendPurgeRequest(sqs: SQSClient, queueUrl: string, request: PurgeRequest): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(request) }));
}
