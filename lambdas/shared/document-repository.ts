import type { ExtractedTable } from './page-table.js';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { DocumentSource, DocumentStatus, FailureCode, Lane } from './contract.js';
import { TABLE_LAYOUT } from './contract.js';
import { decodeCursor, encodeCursor } from './cursor.js';

/** A failure recorded on a document. */
export interface DocumentError {
  readonly code: FailureCode;
  readonly message: string;
}

/** Where content that did not fit an item was written instead. */
export interface S3Pointer {
  readonly bucket: string;
  readonly key: string;
}

/** An entry of the document outline (bookmarks). */
export interface OutlineEntry {
  readonly title: string;
  readonly items?: readonly OutlineEntry[];
}

/** An AcroForm field and its value (field values are not part of page text). */
export interface FormField {
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

/** A table found on a page: a rectangular grid of cell texts, header row first. */
/**
 * A table found on a page: `rows` is its rectangular grid of cell texts (a spanning cell's text
 * in its top-left slot); the rest, from the table finder (`lambdas/extract/tables/`), are absent
 * on tables extracted before it.
 */
export type PageTable = Pick<ExtractedTable, 'rows'> & Partial<Omit<ExtractedTable, 'rows'>>;

/** Document-level metadata extracted from a PDF. */
export interface DocumentMetadata {
  readonly title?: string;
  readonly author?: string;
  readonly subject?: string;
  readonly keywords?: string;
  readonly creator?: string;
  readonly producer?: string;
  readonly creationDate?: string;
  readonly modificationDate?: string;
  readonly pdfVersion?: string;
  /** Natural language declared by the document (`/Lang`). */
  readonly language?: string;
  /** Whether the file is encrypted (owner-password files open and extract normally). */
  readonly encrypted?: boolean;
  /** Writing systems seen in the first pages, most used first (e.g. `['Han', 'Hiragana']`). */
  readonly scripts?: readonly string[];
  /** XMP metadata properties, e.g. `dc:title`, `xmp:createdate`. */
  readonly xmp?: Readonly<Record<string, string>>;
  readonly outline?: readonly OutlineEntry[];
  readonly formFields?: readonly FormField[];
}

/** The document record: one item per document, the source of truth for its status. */
export interface DocumentRecord {
  readonly documentId: string;
  readonly ownerId?: string;
  readonly status: DocumentStatus;
  readonly source: DocumentSource;
  /** The priority lane it is extracted in; records from before lanes have none (`documentLane` reads either). */
  readonly lane?: Lane;
  readonly filename?: string;
  /** Full key of a drop-folder object. */
  readonly sourceKey?: string;
  readonly bucket?: string;
  readonly objectKey?: string;
  readonly versionId?: string;
  /** S3 event sequencer of the object version this record describes. */
  readonly sequencer?: string;
  readonly size?: number;
  readonly sha256?: string;
  /** `EXTRACTOR_VERSION` of the extractor that produced this generation's results (`extractor-version.ts`). */
  readonly extractorVersion?: string;
  /** `settingsDigest` of the output settings this generation was extracted with. */
  readonly settingsDigest?: string;
  /** Completed from an identical earlier document of the same owner, without extraction: its id. */
  readonly reusedFrom?: string;
  readonly pageCount?: number;
  readonly metadata?: DocumentMetadata;
  readonly metadataRef?: S3Pointer;
  readonly error?: DocumentError;
  /** Last transient error, kept for operators while the document is retried. */
  readonly lastError?: string;
  /** Bumped by an explicit reprocess or new content; every state write is conditional on it. */
  readonly generation: number;
  /** Extraction attempts in this generation, counted before each starts. */
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * Set when the owner deleted the document: the record stays as a tombstone (out of the
   * owner index, generation bumped so in-flight work cannot write) while a purge runs.
   */
  readonly deletedAt?: string;
  /** When the purge of a deleted document's objects and pages finished. */
  readonly purgedAt?: string;
  /** API uploads: when the upload URL expires (ISO 8601); an `UPLOADING` record past it with no object fails. */
  readonly uploadExpiresAt?: string;
  /**
   * Epoch seconds at which the document expires (the table's TTL attribute): its creation plus
   * the retention period; on a tombstone, the end of the tombstone's own stay instead. Reads treat
   * an expired record as absent, since DynamoDB may take days to remove it.
   */
  readonly expiresAt?: number;
  /** A long document split into page-range shards: how many, for which generation (see shard-progress.ts). */
  readonly shardCount?: number;
  readonly shardGeneration?: number;
  readonly shardsDone?: number;
  /** Indexes of the shards recorded so far (a DynamoDB number set). */
  readonly doneShards?: ReadonlySet<number>;
  /** Pages extracted so far while the document is PROCESSING in shards. */
  readonly pagesDone?: number;
  /** Pages whose text came from OCR (documents read in one invocation). */
  readonly ocrPages?: number;
}

/** One extracted page, stored as its own item beside the document record. */
export interface PageRecord {
  readonly pageNumber: number;
  readonly generation: number;
  /** Inline text, absent when it spilled to S3. */
  readonly text?: string;
  readonly textRef?: S3Pointer;
  readonly tables?: readonly PageTable[];
  /** Tables too large for the item, spilled to S3 as JSON. */
  readonly tablesRef?: S3Pointer;
  readonly charCount: number;
  readonly hasText: boolean;
  /** Too little text for the page to be anything but an image: a candidate for OCR. */
  readonly needsOcr: boolean;
  /** Where the text comes from; absent (the text layer) on pages extracted before OCR existed. */
  readonly textSource?: 'text-layer' | 'ocr';
  /** Mean OCR word confidence, 0–100 (OCR pages only). */
  readonly ocrConfidence?: number;
  /** The page could not be loaded; its document completed with it empty (see extract/pdf-document.ts). */
  readonly unreadable?: boolean;
  /** The page's layout (lines and words with boxes), gzip JSON in S3; absent on pages extracted before layouts existed. */
  readonly layoutRef?: S3Pointer;
}

/** The values a conditional write expects to find on the record. */
export type RecordExpectation = Partial<Pick<DocumentRecord, 'status' | 'generation' | 'attempts' | 'sequencer'>> & {
  /** Status must be one of these. */
  readonly statusIn?: readonly DocumentStatus[];
};

/** One page of a listing, with an opaque cursor for the next page (absent on the last). */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

// Listings refuse cursors they did not issue with the codec's error.
export { InvalidCursorError } from './cursor.js';

/**
 * Work due at a time: an upload that must have arrived by `dueAt`, or a deleted document whose
 * purge must have finished by then. Stored as its own item so a sweeper finds due work with a
 * query instead of a table scan; deleted once the work is done.
 */
export interface PendingTask {
  readonly kind: 'upload' | 'purge';
  readonly documentId: string;
  readonly ownerId?: string;
  readonly bucket?: string;
  readonly objectKey?: string;
  /** ISO 8601. */
  readonly dueAt: string;
}

/** A response the API stored under an idempotency key, returned again for a retried request. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface IdempotencyRecord {
  readonly status: 'IN_PROGRESS' | 'COMPLETED';
  /** Hash of the request the key was first used with; the same key with another request is refused. */
  readonly requestHash: string;
  /** The document the request creates, chosen when the key is first claimed, so a takeover reuses it. */
  readonly documentId: string;
  readonly response?: StoredResponse;
  /** Epoch milliseconds after which an unfinished claim may be taken over (its request died). */
  readonly lockedUntil: number;
  /** Epoch seconds; the table's TTL attribute. */
  readonly expiresAt: number;
}

export type IdempotencyClaim =
  | { readonly claimed: true; readonly documentId: string }
  | { readonly claimed: false; readonly existing: IdempotencyRecord };

export interface UploadQuota {
  readonly perMinute: number;
  readonly perDay: number;
}

export type QuotaDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly window: 'minute' | 'day'; readonly retryAfterSeconds: number };

const DOCUMENT_SORT_KEY = TABLE_LAYOUT.documentSortKey;
const PAGE_SORT_PREFIX = 'PAGE#';
const BATCH_WRITE_LIMIT = 25;

export const documentKey = (documentId: string) => ({
  [TABLE_LAYOUT.partitionKey]: `DOC#${documentId}`,
  [TABLE_LAYOUT.sortKey]: DOCUMENT_SORT_KEY,
});

/**
 * A page item's key: page number, then generation (`PAGE#000001#G000002`), so a late write from
 * an older generation's extraction (a shard still running when the document was reprocessed)
 * never replaces the current generation's page. Reads filter by generation.
 */
const pageKey = (documentId: string, pageNumber: number, generation?: number) => ({
  [TABLE_LAYOUT.partitionKey]: `DOC#${documentId}`,
  [TABLE_LAYOUT.sortKey]: `${PAGE_SORT_PREFIX}${String(pageNumber).padStart(6, '0')}${generation === undefined ? '' : `#G${String(generation).padStart(6, '0')}`}`,
});

const ownerIndexKey = (record: DocumentRecord) =>
  record.ownerId ? { [TABLE_LAYOUT.ownerIndex.partitionKey]: `OWNER#${record.ownerId}` } : {};

const KEY_ATTRIBUTES = [TABLE_LAYOUT.partitionKey, TABLE_LAYOUT.sortKey, TABLE_LAYOUT.ownerIndex.partitionKey];

function toRecord(item: Record<string, unknown>): DocumentRecord {
  const record = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete record[attribute];
  return record as unknown as DocumentRecord;
}

export interface DocumentRepositoryOptions {
  /**
   * How long a document is kept after its creation, in seconds: records written by `create` and
   * `createWithTask` get `expiresAt` = creation + this, unless they carry one already.
   * @default - records are written without an expiry
   */
  readonly documentRetentionSeconds?: number;
  /** The clock expiry is judged by, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

export interface GetOptions {
  /**
   * Return a record even once it has expired: for the writers that must tell an expired document
   * from a missing one (the extractor never revives an expired document). @default false
   */
  readonly includeExpired?: boolean;
}

/** An item whose time to live has passed: what DynamoDB TTL deletes, eventually. */
export interface ExpiredItem {
  readonly key: Record<string, unknown>;
  /** The document record, when the item is one. */
  readonly document?: DocumentRecord;
}

/** Whether an item with this TTL value has expired at `nowSeconds` (epoch seconds). */
export function hasExpired(expiresAt: unknown, nowSeconds: number): boolean {
  return typeof expiresAt === 'number' && expiresAt <= nowSeconds;
}

/**
 * All DynamoDB access for documents and pages. Every state change is a conditional write
 * against what the caller last read, so a duplicate or stale event can never move a
 * document backwards: a failed condition returns `false` and the caller re-reads.
 *
 * Retention: documents and their pages carry `expiresAt`, the table's TTL attribute. DynamoDB may
 * remove an item days after that time, so every read here leaves expired items out and no state
 * change applies to an expired record.
 */
export class DocumentRepository {
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DocumentRepositoryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async get(documentId: string, options: GetOptions = {}): Promise<DocumentRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: documentKey(documentId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    if (!options.includeExpired && hasExpired(Item[TABLE_LAYOUT.ttlAttribute], this.nowSeconds())) return undefined;
    return toRecord(Item);
  }

  /**
   * When a document created at `createdAt` (ISO 8601) expires, in epoch seconds; `undefined`
   * when this repository writes no expiry.
   */
  expiryFor(createdAt: string): number | undefined {
    const retention = this.options.documentRetentionSeconds;
    return retention === undefined ? undefined : Math.floor(Date.parse(createdAt) / 1000) + retention;
  }

  /** Reads one (absent) item, proving the table answers; for health checks. */
  async ping(abortSignal: AbortSignal): Promise<void> {
    await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [TABLE_LAYOUT.partitionKey]: 'HEALTH', [TABLE_LAYOUT.sortKey]: 'HEALTH' } }),
      { abortSignal },
    );
  }

  /**
   * Writes a new record, with its expiry; `false` when one already exists (an expired record that
   * DynamoDB has not removed yet counts: an expired document is never revived).
   */
  async create(record: DocumentRecord): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...documentKey(record.documentId), ...ownerIndexKey(record), ...this.withExpiry(record) },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey },
      }),
    );
  }

  /**
   * Writes `record` in place of what is stored under its id, for an operator restoring a document
   * whose record is missing or damaged: conditional on the stored record as read (`undefined`:
   * nothing stored; otherwise its `generation`, which may itself be missing), so a writer that
   * changed it meanwhile is never overwritten. `false` when it was.
   */
  async replace(record: DocumentRecord, stored: { readonly generation?: unknown } | undefined): Promise<boolean> {
    const names: Record<string, string> = { '#pk': TABLE_LAYOUT.partitionKey, '#generation': 'generation' };
    const condition =
      stored === undefined
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': names['#pk']! } }
        : stored.generation === undefined
          ? { ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#generation)', ExpressionAttributeNames: names }
          : {
              ConditionExpression: '#generation = :generation',
              ExpressionAttributeNames: { '#generation': 'generation' },
              ExpressionAttributeValues: { ':generation': stored.generation },
            };
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...documentKey(record.documentId), ...ownerIndexKey(record), ...this.withExpiry(record) },
        ...condition,
      }),
    );
  }

  /**
   * Sets `changes` (and removes `removals`) when the record still matches `expected`;
   * `false` when it does not (another writer got there first).
   */
  async transition(
    documentId: string,
    expected: RecordExpectation,
    changes: Partial<DocumentRecord>,
    removals: readonly (keyof DocumentRecord)[] = [],
  ): Promise<boolean> {
    const names: Record<string, string> = { '#pk': TABLE_LAYOUT.partitionKey, '#ttl': TABLE_LAYOUT.ttlAttribute };
    const values: Record<string, unknown> = { ':now': this.nowSeconds() };
    // An expired record takes no more changes, whatever DynamoDB TTL has yet to remove.
    const conditions = ['attribute_exists(#pk)', '(attribute_not_exists(#ttl) OR #ttl > :now)'];

    const { statusIn, ...exact } = expected;
    for (const [field, value] of Object.entries(exact)) {
      names[`#e_${field}`] = field;
      values[`:e_${field}`] = value;
      conditions.push(`#e_${field} = :e_${field}`);
    }
    if (statusIn) {
      names['#e_statusIn'] = 'status';
      const placeholders = statusIn.map((status, index) => {
        values[`:e_statusIn${index}`] = status;
        return `:e_statusIn${index}`;
      });
      conditions.push(`#e_statusIn IN (${placeholders.join(', ')})`);
    }

    const sets = Object.entries({ ...changes, updatedAt: changes.updatedAt ?? new Date().toISOString() })
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => {
        names[`#s_${field}`] = field;
        values[`:s_${field}`] = value;
        return `#s_${field} = :s_${field}`;
      });
    const removes = removals.map((field) => {
      names[`#r_${field}`] = field;
      return `#r_${field}`;
    });

    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: documentKey(documentId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Writes page items in batches, retrying what DynamoDB leaves unprocessed. `expiresAt` is the
   * document's, so its pages expire with it.
   */
  async putPages(documentId: string, pages: readonly PageRecord[], expiresAt?: number): Promise<void> {
    const expiry = expiresAt === undefined ? {} : { [TABLE_LAYOUT.ttlAttribute]: expiresAt };
    for (let start = 0; start < pages.length; start += BATCH_WRITE_LIMIT) {
      let requests = pages.slice(start, start + BATCH_WRITE_LIMIT).map((page) => ({
        PutRequest: { Item: { ...pageKey(documentId, page.pageNumber, page.generation), ...page, ...expiry } },
      }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
        if (attempt > 8) throw new Error(`DynamoDB left ${requests.length} page writes unprocessed`);
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  /**
   * Every document record (tombstones included), read a page of the table at a time: a full
   * scan, for operators' tools such as `npm run stats`, never for a request path.
   */
  async *scanDocuments(): AsyncGenerator<DocumentRecord> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#sk = :document',
          ExpressionAttributeNames: { '#sk': TABLE_LAYOUT.sortKey },
          ExpressionAttributeValues: { ':document': DOCUMENT_SORT_KEY },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) yield toRecord(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  // ---------------------------------------------------------------------------------------------
  // API: records created together with their pending task, listings, deletion.
  // ---------------------------------------------------------------------------------------------

  /**
   * Writes a new record and the task that checks on it later, atomically; `false` when the
   * record already exists.
   */
  async createWithTask(record: DocumentRecord, task: PendingTask): Promise<boolean> {
    return this.transaction([
      {
        Put: {
          TableName: this.tableName,
          Item: { ...documentKey(record.documentId), ...ownerIndexKey(record), ...this.withExpiry(record) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey },
        },
      },
      { Put: { TableName: this.tableName, Item: taskItem(task) } },
    ]);
  }

  /**
   * An owner's documents, newest first, through the owner index (eventually consistent: a
   * document created a moment ago may not be listed yet). Tombstones are not in the index.
   */
  async listByOwner(
    ownerId: string,
    options: { readonly limit: number; readonly status?: DocumentStatus; readonly cursor?: string },
  ): Promise<Listing<DocumentRecord>> {
    const { ownerIndex } = TABLE_LAYOUT;
    const ownerPk = `OWNER#${ownerId}`;
    let startKey = options.cursor === undefined ? undefined : ownerCursorKey(options.cursor, ownerPk);
    const items: Record<string, unknown>[] = [];
    // One more than asked for tells whether a next page exists, so the last page has no cursor.
    for (let round = 0; round < MAX_QUERY_ROUNDS && items.length <= options.limit; round += 1) {
      const filter = options.status
        ? {
            FilterExpression: `#status = :status AND ${NOT_EXPIRED}`,
            ExpressionAttributeValues: { ':owner': ownerPk, ':status': options.status, ':now': this.nowSeconds() },
          }
        : { FilterExpression: NOT_EXPIRED, ExpressionAttributeValues: { ':owner': ownerPk, ':now': this.nowSeconds() } };
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: ownerIndex.name,
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: {
            '#owner': ownerIndex.partitionKey,
            '#ttl': TABLE_LAYOUT.ttlAttribute,
            ...(options.status ? { '#status': 'status' } : {}),
          },
          ScanIndexForward: false,
          Limit: options.limit + 1 - items.length,
          ExclusiveStartKey: startKey,
          ...filter,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }

    if (items.length > options.limit) {
      const kept = items.slice(0, options.limit);
      return { items: kept.map(toRecord), nextCursor: ownerCursor(kept.at(-1)!) };
    }
    // Filtering may stop a long listing short of the limit; the cursor then resumes where DynamoDB stopped.
    return { items: items.map(toRecord), nextCursor: startKey ? ownerCursor(startKey) : undefined };
  }

  /**
   * Pages of one generation of a document in page order, after `afterPageNumber`. Items a
   * previous generation left behind (a longer earlier version) are skipped.
   */
  async listPages(
    documentId: string,
    generation: number,
    options: { readonly limit: number; readonly afterPageNumber: number },
  ): Promise<{ readonly pages: readonly PageRecord[]; readonly hasMore: boolean }> {
    const pages: PageRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    const from = pageKey(documentId, options.afterPageNumber + 1)[TABLE_LAYOUT.sortKey];
    for (let round = 0; round < MAX_QUERY_ROUNDS && pages.length <= options.limit; round += 1) {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          FilterExpression: `#generation = :generation AND ${NOT_EXPIRED}`,
          ExpressionAttributeNames: {
            '#pk': TABLE_LAYOUT.partitionKey,
            '#sk': TABLE_LAYOUT.sortKey,
            '#generation': 'generation',
            '#ttl': TABLE_LAYOUT.ttlAttribute,
          },
          ExpressionAttributeValues: {
            ':pk': `DOC#${documentId}`,
            ':from': from,
            ':to': `${PAGE_SORT_PREFIX}999999~`,
            ':generation': generation,
            ':now': this.nowSeconds(),
          },
          ConsistentRead: true,
          Limit: options.limit + 1 - pages.length,
          ExclusiveStartKey: startKey,
        }),
      );
      pages.push(...(result.Items ?? []).map((item) => stripKeys(item) as unknown as PageRecord));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    const hasMore = pages.length > options.limit || startKey !== undefined;
    return { pages: pages.slice(0, options.limit), hasMore };
  }

  /**
   * Turns the record into a tombstone, conditional on the status and generation last read:
   * `deletedAt` is set, the generation bumped (so in-flight extraction writes fail their
   * condition), the owner index key removed (so it leaves every listing) and a TTL set. The
   * purge task is written in the same transaction, so a lost purge request is still found.
   */
  async markDeleted(
    documentId: string,
    expected: Pick<DocumentRecord, 'generation' | 'status'>,
    deletion: { readonly deletedAt: string; readonly tombstoneExpiresAt: number; readonly purgeTask: PendingTask },
  ): Promise<boolean> {
    return this.transaction([
      {
        Update: {
          TableName: this.tableName,
          Key: documentKey(documentId),
          UpdateExpression:
            'SET #deletedAt = :deletedAt, #updatedAt = :deletedAt, #generation = #generation + :one, #ttl = :ttl REMOVE #owner',
          ConditionExpression:
            'attribute_exists(#pk) AND attribute_not_exists(#deletedAt) AND #generation = :generation AND #status = :status',
          ExpressionAttributeNames: {
            '#pk': TABLE_LAYOUT.partitionKey,
            '#deletedAt': 'deletedAt',
            '#updatedAt': 'updatedAt',
            '#generation': 'generation',
            '#status': 'status',
            '#ttl': TABLE_LAYOUT.ttlAttribute,
            '#owner': TABLE_LAYOUT.ownerIndex.partitionKey,
          },
          ExpressionAttributeValues: {
            ':deletedAt': deletion.deletedAt,
            ':one': 1,
            ':ttl': deletion.tombstoneExpiresAt,
            ':generation': expected.generation,
            ':status': expected.status,
          },
        },
      },
      { Put: { TableName: this.tableName, Item: taskItem(deletion.purgeTask) } },
    ]);
  }

  /** Notes on a tombstone that its purge finished; nothing happens if the tombstone has expired. */
  async markPurged(documentId: string, purgedAt: string): Promise<void> {
    await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: documentKey(documentId),
        UpdateExpression: 'SET #purgedAt = :purgedAt',
        ConditionExpression: 'attribute_exists(#deletedAt)',
        ExpressionAttributeNames: { '#purgedAt': 'purgedAt', '#deletedAt': 'deletedAt' },
        ExpressionAttributeValues: { ':purgedAt': purgedAt },
      }),
    );
  }

  /** Deletes every page item of a document, whatever its generation; returns how many there were. */
  async deletePages(documentId: string): Promise<number> {
    let deleted = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :page)',
          ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey, '#sk': TABLE_LAYOUT.sortKey },
          ExpressionAttributeValues: { ':pk': `DOC#${documentId}`, ':page': PAGE_SORT_PREFIX },
          ProjectionExpression: '#pk, #sk',
          ExclusiveStartKey: startKey,
        }),
      );
      const keys = result.Items ?? [];
      await this.batchWrite(keys.map((Key) => ({ DeleteRequest: { Key } })));
      deleted += keys.length;
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return deleted;
  }

  // ---------------------------------------------------------------------------------------------
  // Expiry where nothing enforces TTL (DynamoDB Local): found by a scan, deleted like TTL would.
  // ---------------------------------------------------------------------------------------------

  /**
   * Up to `limit` items of any kind whose time to live has passed at `now`: a full scan, for
   * stand-ins of DynamoDB TTL such as the local sweeper, never for AWS, where TTL does this.
   */
  async expiredItems(now: Date, limit: number): Promise<ExpiredItem[]> {
    const found: ExpiredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#ttl': TABLE_LAYOUT.ttlAttribute },
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const key = { [TABLE_LAYOUT.partitionKey]: item[TABLE_LAYOUT.partitionKey], [TABLE_LAYOUT.sortKey]: item[TABLE_LAYOUT.sortKey] };
        const isDocument = item[TABLE_LAYOUT.sortKey] === DOCUMENT_SORT_KEY && String(item[TABLE_LAYOUT.partitionKey]).startsWith('DOC#');
        found.push(isDocument ? { key, document: toRecord(item) } : { key });
        if (found.length >= limit) return found;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  /** Deletes an item found expired, unless it was written again meanwhile (its TTL moved on). */
  async deleteExpired(key: Record<string, unknown>, now: Date): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#ttl': TABLE_LAYOUT.ttlAttribute },
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pending tasks: found by due time, spread over a few partitions.
  // ---------------------------------------------------------------------------------------------

  /** Tasks of a kind due at or before `now`, oldest first within each partition. */
  async dueTasks(kind: PendingTask['kind'], now: Date, limit: number): Promise<PendingTask[]> {
    const tasks: PendingTask[] = [];
    for (let shard = 0; shard < TASK_SHARDS && tasks.length < limit; shard += 1) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const result = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk <= :due',
            ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey, '#sk': TABLE_LAYOUT.sortKey },
            // `~` sorts after every character of a document id, so tasks due exactly now are included.
            ExpressionAttributeValues: { ':pk': taskPartition(kind, shard), ':due': `${now.toISOString()}#~` },
            ConsistentRead: true,
            Limit: limit - tasks.length,
            ExclusiveStartKey: startKey,
          }),
        );
        tasks.push(...(result.Items ?? []).map((item) => stripKeys(item) as unknown as PendingTask));
        startKey = result.LastEvaluatedKey;
      } while (startKey && tasks.length < limit);
    }
    return tasks;
  }

  async deleteTask(task: PendingTask): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: taskKey(task) }));
  }

  // ---------------------------------------------------------------------------------------------
  // Idempotency keys: one item per owner and key, expired by TTL.
  // ---------------------------------------------------------------------------------------------

  /**
   * Claims an idempotency key for a request. The key is free when it was never used, when its
   * item expired, or when an earlier claim was never finished and its lock ran out; a takeover
   * keeps the earlier claim's document id, so a retry never makes a second document.
   */
  async claimIdempotencyKey(
    ownerId: string,
    key: string,
    claim: { readonly requestHash: string; readonly documentId: string; readonly lockedUntil: number; readonly expiresAt: number; readonly now: number },
  ): Promise<IdempotencyClaim> {
    const itemKey = idempotencyKey(ownerId, key);
    for (let tries = 0; tries < 3; tries += 1) {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: itemKey, ConsistentRead: true }));
      const existing = Item ? (stripKeys(Item) as unknown as IdempotencyRecord) : undefined;
      const expired = existing !== undefined && existing.expiresAt * 1000 <= claim.now;
      const abandoned =
        existing !== undefined && existing.status === 'IN_PROGRESS' && existing.lockedUntil <= claim.now && existing.requestHash === claim.requestHash;
      if (existing && !expired && !abandoned) return { claimed: false, existing };

      const documentId = abandoned ? existing.documentId : claim.documentId;
      const record: IdempotencyRecord = {
        status: 'IN_PROGRESS',
        requestHash: claim.requestHash,
        documentId,
        lockedUntil: claim.lockedUntil,
        expiresAt: claim.expiresAt,
      };
      const written = await this.conditional(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemKey, ...record },
          // Written over exactly what was read, or over nothing: a concurrent claim loses.
          ...(existing
            ? {
                ConditionExpression: '#lockedUntil = :lockedUntil AND #status = :status',
                ExpressionAttributeNames: { '#lockedUntil': 'lockedUntil', '#status': 'status' },
                ExpressionAttributeValues: { ':lockedUntil': existing.lockedUntil, ':status': existing.status },
              }
            : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey } }),
        }),
      );
      if (written) return { claimed: true, documentId };
    }
    throw new Error('Could not claim the idempotency key: it kept changing');
  }

  /** Stores the response of a finished request under its key. */
  async completeIdempotencyKey(ownerId: string, key: string, response: StoredResponse): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: idempotencyKey(ownerId, key),
        UpdateExpression: 'SET #status = :completed, #response = :response',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: { ':completed': 'COMPLETED', ':response': response },
      }),
    );
  }

  /** Frees a key whose request failed, so that a retry runs it again. */
  async releaseIdempotencyKey(ownerId: string, key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: idempotencyKey(ownerId, key) }));
  }

  // ---------------------------------------------------------------------------------------------
  // Upload quota: a counter per owner and minute and per owner and day, expired by TTL.
  // ---------------------------------------------------------------------------------------------

  /**
   * Counts one upload against both windows in one transaction: either both counters move or
   * neither does, and neither passes its limit however many requests race.
   */
  async consumeUploadQuota(ownerId: string, now: Date, quota: UploadQuota): Promise<QuotaDecision> {
    const windows = quotaWindows(ownerId, now, quota);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: windows.map((window) => ({
            Update: {
              TableName: this.tableName,
              Key: window.key,
              UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
              ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
              ExpressionAttributeNames: { '#count': 'count', '#ttl': TABLE_LAYOUT.ttlAttribute },
              ExpressionAttributeValues: { ':one': 1, ':limit': window.limit, ':ttl': window.expiresAt },
            },
          })),
        }),
      );
      return { allowed: true };
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons.some((reason) => reason.Code && reason.Code !== 'ConditionalCheckFailed' && reason.Code !== 'None')) throw error;
      // The longest window that is full decides how long the caller must wait.
      const full = windows.filter((_, index) => reasons[index]?.Code === 'ConditionalCheckFailed');
      const window = full.at(-1) ?? windows.at(-1)!;
      return {
        allowed: false,
        window: window.name,
        retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now.getTime()) / 1000)),
      };
    }
  }

  /** Runs a transaction; `false` when a condition failed, so the caller can re-read and decide. */
  private async transaction(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return false;
      throw error;
    }
  }

  /** Writes or deletes items in batches of 25, retrying what DynamoDB leaves unprocessed. */
  private async batchWrite(requests: readonly Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
      let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
        if (attempt > 8) throw new Error(`DynamoDB left ${pending.length} writes unprocessed`);
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
        );
        pending = (UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The record with its expiry: the one it carries, else its creation plus the retention. */
  private withExpiry(record: DocumentRecord): DocumentRecord {
    if (record.expiresAt !== undefined) return record;
    const expiresAt = this.expiryFor(record.createdAt);
    return expiresAt === undefined ? record : { ...record, expiresAt };
  }

  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.client.send(command as UpdateCommand);
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

/** Keeps items whose TTL has not passed; needs `#ttl` and `:now` (epoch seconds) bound. */
const NOT_EXPIRED = '(attribute_not_exists(#ttl) OR #ttl > :now)';

/** Query rounds a listing may take when a filter or generation check skips items. */
const MAX_QUERY_ROUNDS = 10;
/** Partitions pending tasks are spread over, so a burst of uploads does not load one key. */
const TASK_SHARDS = 4;

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...item };
  delete rest[TABLE_LAYOUT.partitionKey];
  delete rest[TABLE_LAYOUT.sortKey];
  return rest;
}

const taskPartition = (kind: PendingTask['kind'], shard: number) => `TASK#${kind}#${shard}`;

function taskKey(task: PendingTask): Record<string, string> {
  const shard = Number.parseInt(createHash('sha256').update(task.documentId).digest('hex').slice(0, 2), 16) % TASK_SHARDS;
  return {
    [TABLE_LAYOUT.partitionKey]: taskPartition(task.kind, shard),
    [TABLE_LAYOUT.sortKey]: `${task.dueAt}#${task.documentId}`,
  };
}

/** A task item expires a week after it was due, in case nothing ever deletes it. */
function taskItem(task: PendingTask): Record<string, unknown> {
  const expiresAt = Math.floor(Date.parse(task.dueAt) / 1000) + 7 * 24 * 60 * 60;
  return { ...taskKey(task), ...task, [TABLE_LAYOUT.ttlAttribute]: expiresAt };
}

/** Keys are hashed: they are the client's strings, of any length and alphabet. */
function idempotencyKey(ownerId: string, key: string): Record<string, string> {
  const digest = createHash('sha256').update(`${ownerId}\n${key}`).digest('hex');
  return { [TABLE_LAYOUT.partitionKey]: `IDEMPOTENCY#${digest}`, [TABLE_LAYOUT.sortKey]: 'IDEMPOTENCY' };
}

function quotaWindows(ownerId: string, now: Date, quota: UploadQuota) {
  const minuteStart = Math.floor(now.getTime() / 60_000) * 60_000;
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const window = (name: 'minute' | 'day', start: number, length: number, limit: number) => ({
    name,
    limit,
    endsAt: start + length,
    // Kept a little past its window, then removed by TTL.
    expiresAt: Math.floor((start + length) / 1000) + 3600,
    key: {
      [TABLE_LAYOUT.partitionKey]: `QUOTA#${ownerId}`,
      [TABLE_LAYOUT.sortKey]: `${name.toUpperCase()}#${new Date(start).toISOString()}`,
    },
  });
  return [
    window('minute', minuteStart, 60_000, quota.perMinute),
    window('day', dayStart, 24 * 60 * 60_000, quota.perDay),
  ];
}

const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** An opaque cursor naming the last listed document: its creation time and id. */
function ownerCursor(item: Record<string, unknown>): string {
  const documentId = String(item[TABLE_LAYOUT.partitionKey]).slice('DOC#'.length);
  return encodeCursor({ c: String(item[TABLE_LAYOUT.ownerIndex.sortKey]), d: documentId });
}

/** The start key a cursor stands for, always within the caller's own partition of the index. */
function ownerCursorKey(cursor: string, ownerPk: string): Record<string, unknown> {
  const { c, d } = decodeCursor(cursor, ({ c, d }) =>
    typeof c === 'string' && !Number.isNaN(Date.parse(c)) && typeof d === 'string' && ID_PATTERN.test(d) ? { c, d } : undefined,
  );
  return {
    ...documentKey(d),
    [TABLE_LAYOUT.ownerIndex.partitionKey]: ownerPk,
    [TABLE_LAYOUT.ownerIndex.sortKey]: c,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
