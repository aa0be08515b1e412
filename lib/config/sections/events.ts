/** `events`: where document events go, and how long a table change may wait for its event. */
import { z } from 'zod';
import { wholeNumber } from '../rules.js';

export const eventsSchema = z.strictObject({
  busName: z
    .string()
    .regex(/^(arn:[\w-]+:events:[\w-]+:\d{12}:event-bus\/)?[\w.\-/]{1,256}$/, {
      error: 'must be `default` or the name or ARN of an EventBridge bus',
    })
    .describe('EventBridge bus of the document events: `default`, or the name or ARN of a bus that exists'),
  // The stream keeps changes for 24 hours.
  maxRecordAgeHours: wholeNumber(1, 24, 'must be 1–24 (the stream keeps changes for 24 hours)').describe(
    'how long a change may wait for its event (bus refusing) before it goes to the failed-events queue',
  ),
});
export type EventsConfig = z.infer<typeof eventsSchema>;
