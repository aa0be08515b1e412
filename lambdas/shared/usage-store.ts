/**
 * Usage metering in the document table: one item per owner and UTC day, whose counters every
 * completed or failed document adds to. `ADD` is atomic on DynamoDB's side, so documents completing
 * at once on many functions never lose each other's figures, and no read precedes the write.
 *
 * Keys: `pk = USAGE#<ownerId>`, `sk = DAY#<yyyy-mm-dd>`, beside the table's other item kinds
 * (`DOC#`, `TASK#`, `QUOTA#`, `IDEMPOTENCY#`); usage items have no owner-index key, so they never
 * appear in document listings, and the document-event publisher ignores them (their sort key is not
 * `DOCUMENT`). A day's figures sit in one small item, so a year of one owner is one query.
 */
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_LAYOUT } from './contract.js';
import {
  USAGE_COUNTERS,
  assertValidConsumption,
  isUsageDay,
  sumUsage,
  type Consumption,
  type DailyUsage,
  type UsageTotals,
} from './usage.js';

/** What reads and records usage; the API and the extractor depend on this, tests on a fake. */
export interface UsageMeter {
  recordUsage(ownerId: string, day: string, consumption: Consumption): Promise<void>;
  usageBetween(ownerId: string, from: string, to: string): Promise<UsageReport>;
}

/** An owner's usage over a range of days: the days that had any, oldest first, and their sum. */
export interface UsageReport {
  readonly ownerId: string;
  readonly from: string;
  readonly to: string;
  readonly days: readonly DailyUsage[];
  readonly total: UsageTotals;
}

export interface UsageStoreOptions {
  /**
   * How long a day's item is kept after the day ends, in seconds (set as the table's TTL attribute).
   * @default - kept until deleted
   */
  readonly retentionSeconds?: number;
  /** The clock `updatedAt` is written from. @default () => new Date() */
  readonly now?: () => Date;
}

/** Prefix of the attributes OCR pages are counted in, one per engine (`ocr_textract`). */
const OCR_ATTRIBUTE_PREFIX = 'ocr_';

export const usageKey = (ownerId: string, day: string) => ({
  [TABLE_LAYOUT.partitionKey]: `USAGE#${ownerId}`,
  [TABLE_LAYOUT.sortKey]: `DAY#${day}`,
});

/**
 * The update that adds a consumption to a day's item: `ADD` for every non-zero counter, `SET` for
 * the item's identity. Pure, so the expression is tested without DynamoDB.
 */
export function usageUpdate(
  ownerId: string,
  day: string,
  consumption: Consumption,
  stamp: { readonly updatedAt: string; readonly expiresAt?: number },
): { UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> } {
  assertValidConsumption(consumption);
  const names: Record<string, string> = { '#ownerId': 'ownerId', '#day': 'day', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':ownerId': ownerId, ':day': day, ':updatedAt': stamp.updatedAt };
  const adds: string[] = [];
  const add = (attribute: string, value: number) => {
    if (value === 0) return;
    const slot = `a${adds.length}`;
    names[`#${slot}`] = attribute;
    values[`:${slot}`] = value;
    adds.push(`#${slot} :${slot}`);
  };
  for (const counter of USAGE_COUNTERS) add(counter, consumption[counter] ?? 0);
  for (const [engine, pages] of Object.entries(consumption.ocrPages ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    add(`${OCR_ATTRIBUTE_PREFIX}${engine}`, pages);
  }
  const sets = ['#ownerId = :ownerId', '#day = :day', '#updatedAt = :updatedAt'];
  if (stamp.expiresAt !== undefined) {
    names['#ttl'] = TABLE_LAYOUT.ttlAttribute;
    values[':ttl'] = stamp.expiresAt;
    sets.push('#ttl = :ttl');
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** A stored day item as usage figures (attributes it does not know are ignored). */
export function dailyUsageOf(item: Record<string, unknown>): DailyUsage {
  const counters: Record<string, number> = {};
  for (const counter of USAGE_COUNTERS) counters[counter] = typeof item[counter] === 'number' ? item[counter] : 0;
  const ocrPages: Record<string, number> = {};
  for (const [attribute, value] of Object.entries(item)) {
    if (attribute.startsWith(OCR_ATTRIBUTE_PREFIX) && typeof value === 'number') ocrPages[attribute.slice(OCR_ATTRIBUTE_PREFIX.length)] = value;
  }
  return { day: String(item.day), ...sumUsage([{ ...counters, ocrPages }]) };
}

export class UsageStore implements UsageMeter {
  private readonly now: () => Date;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: UsageStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Adds `consumption` to the owner's figures for `day` (`yyyy-mm-dd`, UTC), creating the day's item if needed. */
  async recordUsage(ownerId: string, day: string, consumption: Consumption): Promise<void> {
    assertOwner(ownerId);
    assertDay(day, 'day');
    const retention = this.options.retentionSeconds;
    const expiresAt = retention === undefined ? undefined : Date.parse(`${day}T00:00:00.000Z`) / 1000 + 86_400 + retention;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: usageKey(ownerId, day),
        ...usageUpdate(ownerId, day, consumption, { updatedAt: this.now().toISOString(), expiresAt }),
      }),
    );
  }

  /** The owner's usage from `from` to `to`, both included (`yyyy-mm-dd`, UTC). */
  async usageBetween(ownerId: string, from: string, to: string): Promise<UsageReport> {
    assertOwner(ownerId);
    assertDay(from, 'from');
    assertDay(to, 'to');
    if (from > to) throw new RangeError(`The range starts (${from}) after it ends (${to})`);
    const days: DailyUsage[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey, '#sk': TABLE_LAYOUT.sortKey },
          ExpressionAttributeValues: { ':pk': usageKey(ownerId, from)[TABLE_LAYOUT.partitionKey], ':from': `DAY#${from}`, ':to': `DAY#${to}` },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      days.push(...(page.Items ?? []).map(dailyUsageOf));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { ownerId, from, to, days, total: sumUsage(days) };
  }
}

function assertDay(text: string, name: string): void {
  if (!isUsageDay(text)) throw new RangeError(`${name} must be a day written yyyy-mm-dd, not "${text}"`);
}

function assertOwner(ownerId: string): void {
  if (ownerId.length === 0) throw new RangeError('Usage needs an owner');
}
