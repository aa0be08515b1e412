import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { DocumentSource, DocumentStatus, FailureCode } from './contract.js';
import { TABLE_LAYOUT } from './contract.js';

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
export interface PageTable {
  readonly rows: readonly (readonly string[])[];
}

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
}

/** The values a conditional write expects to find on the record. */
export type RecordExpectation = Partial<Pick<DocumentRecord, 'status' | 'generation' | 'attempts' | 'sequencer'>> & {
  /** Status must be one of these. */
  readonly statusIn?: readonly DocumentStatus[];
};

const DOCUMENT_SORT_KEY = 'DOCUMENT';
const PAGE_SORT_PREFIX = 'PAGE#';
const BATCH_WRITE_LIMIT = 25;

export const documentKey = (documentId: string) => ({
  [TABLE_LAYOUT.partitionKey]: `DOC#${documentId}`,
  [TABLE_LAYOUT.sortKey]: DOCUMENT_SORT_KEY,
});

const pageKey = (documentId: string, pageNumber: number) => ({
  [TABLE_LAYOUT.partitionKey]: `DOC#${documentId}`,
  [TABLE_LAYOUT.sortKey]: `${PAGE_SORT_PREFIX}${String(pageNumber).padStart(6, '0')}`,
});

const ownerIndexKey = (record: DocumentRecord) =>
  record.ownerId ? { [TABLE_LAYOUT.ownerIndex.partitionKey]: `OWNER#${record.ownerId}` } : {};

const KEY_ATTRIBUTES = [TABLE_LAYOUT.partitionKey, TABLE_LAYOUT.sortKey, TABLE_LAYOUT.ownerIndex.partitionKey];

function toRecord(item: Record<string, unknown>): DocumentRecord {
  const record = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete record[attribute];
  return record as unknown as DocumentRecord;
}

/**
 * All DynamoDB access for documents and pages. Every state change is a conditional write
 * against what the caller last read, so a duplicate or stale event can never move a
 * document backwards: a failed condition returns `false` and the caller re-reads.
 */
export class DocumentRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(documentId: string): Promise<DocumentRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: documentKey(documentId), ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  /** Writes a new record; `false` when one already exists. */
  async create(record: DocumentRecord): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...documentKey(record.documentId), ...ownerIndexKey(record), ...record },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey },
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
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions = ['attribute_exists(#pk)'];
    names['#pk'] = TABLE_LAYOUT.partitionKey;

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

  /** Writes page items in batches, retrying what DynamoDB leaves unprocessed. */
  async putPages(documentId: string, pages: readonly PageRecord[]): Promise<void> {
    for (let start = 0; start < pages.length; start += BATCH_WRITE_LIMIT) {
      let requests = pages.slice(start, start + BATCH_WRITE_LIMIT).map((page) => ({
        PutRequest: { Item: { ...pageKey(documentId, page.pageNumber), ...page } },
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
