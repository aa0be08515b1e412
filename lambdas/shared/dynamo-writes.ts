/**
 * The write patterns every store of the table shares: conditional writes that report a failed
 * condition as `false`, transactions whose cancellation is read once here, and batch writes that
 * retry what DynamoDB leaves unprocessed.
 */
import {
  BatchWriteCommand,
  TransactWriteCommand,
  type DeleteCommand,
  type DynamoDBDocumentClient,
  type PutCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/** What a `BatchWriteItem` takes at most in one call. */
export const BATCH_WRITE_LIMIT = 25;
/** Calls a batch may take before the writes DynamoDB keeps leaving unprocessed are an error. */
const BATCH_WRITE_ATTEMPTS = 9;

export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
/** One request of a batch write: a `PutRequest` or a `DeleteRequest`. */
export type BatchWriteRequest = { readonly PutRequest: { readonly Item: Record<string, unknown> } } | { readonly DeleteRequest: { readonly Key: Record<string, unknown> } };

/**
 * Why each item of a cancelled transaction was refused, in the order the items were given
 * (`'None'` for an item that was not at fault); `undefined` when `error` is not a cancelled
 * transaction.
 */
export function cancellationReasons(error: unknown): readonly string[] | undefined {
  if ((error as Error | undefined)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: readonly { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

/**
 * Whether a transaction was cancelled by failed conditions alone (the other items not at fault):
 * an answer the caller can act on. Any other reason (a conflict, throttling) is an error.
 */
export function cancelledByConditions(reasons: readonly string[]): boolean {
  return reasons.every((code) => code === 'ConditionalCheckFailed' || code === 'None');
}

/** Whether `error` is a failed condition, of a single write or of a transaction's item. */
export function isConditionFailure(error: unknown): boolean {
  if ((error as Error | undefined)?.name === 'ConditionalCheckFailedException') return true;
  return cancellationReasons(error)?.some((code) => code === 'ConditionalCheckFailed') ?? false;
}

/** Sends a conditional write; `false` when its condition failed, so the caller can re-read and decide. */
export async function sendConditional(client: DynamoDBDocumentClient, command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
  try {
    // One overload per command type: the union needs one of them named.
    await client.send(command as UpdateCommand);
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Runs a transaction; `false` when a condition failed, so the caller can re-read and decide. */
export async function transact(client: DynamoDBDocumentClient, items: TransactItems): Promise<boolean> {
  try {
    await client.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons?.includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}

export interface BatchWriteOptions {
  /** Waits between attempts at what was left unprocessed. @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Writes or deletes items in batches of 25, retrying what DynamoDB leaves unprocessed with a
 * growing pause, up to nine calls per batch.
 */
export async function batchWrite(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly BatchWriteRequest[],
  options: BatchWriteOptions = {},
): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= BATCH_WRITE_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} writes unprocessed`);
      if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = (UnprocessedItems?.[tableName] ?? []) as BatchWriteRequest[];
    }
  }
}
