/** `queue`: the extraction queues of every lane and their dead-letter queues. */
import { z } from 'zod';
import { rule, wholeNumber } from '../rules.js';

export const queueSchema = z
  .strictObject({
    maxReceiveCount: wholeNumber(1, 1000).describe('deliveries before the DLQ; also the attempts per document'),
    retentionDays: wholeNumber(1, 14).describe('how long a lane queue keeps a message'),
    deadLetterRetentionDays: wholeNumber(1, 14, 'must be at most 14 days (SQS maximum)').describe(
      'how long a dead-letter queue keeps a message',
    ),
  })
  .superRefine((queue, ctx) => {
    rule(
      ctx,
      queue.deadLetterRetentionDays > queue.retentionDays,
      'deadLetterRetentionDays',
      'must exceed retentionDays: a message keeps its original enqueue time in the DLQ',
    );
  });
export type QueueConfig = z.infer<typeof queueSchema>;
