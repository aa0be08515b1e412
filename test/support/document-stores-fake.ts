/**
 * In-memory stand-ins of the document table's stores, for unit tests of the cores that use them:
 * the stores' rules (conditional state changes, expiry judged on read, tombstones leaving the
 * owner listing, one idempotency claim per key, quota windows) without DynamoDB. The stores
 * themselves are tested against DynamoDB Local (`test/integration/*-store.test.ts`).
 */
import type { DocumentStatus } from '../../lambdas/shared/contract.js';
import type { DocumentListing } from '../../lambdas/shared/document-listing.js';
import { hasExpired, type DocumentRecord, type PageRecord, type RecordExpectation } from '../../lambdas/shared/document-model.js';
import type { DocumentStore, GetOptions } from '../../lambdas/shared/document-store.js';
import type { IdempotencyClaim, IdempotencyClaimRequest, IdempotencyRecord, IdempotencyStore, StoredResponse } from '../../lambdas/shared/idempotency-store.js';
import { InvalidCursorError, type Listing } from '../../lambdas/shared/listing.js';
import type { PageRun, PageStore } from '../../lambdas/shared/page-store.js';
import type { PendingTask, TaskStore } from '../../lambdas/shared/task-store.js';
import type { QuotaDecision, UploadQuota, UploadQuotaStore } from '../../lambdas/shared/upload-quota-store.js';

type Store<T> = Pick<T, keyof T>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface InMemoryOptions {
  /** As `DocumentStoreOptions.documentRetentionSeconds`. */
  readonly documentRetentionSeconds?: number;
  /** The clock expiry is judged by, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** What the table holds, shared by the stores built over it; tests arrange and inspect it directly. */
export class InMemoryDocumentTable {
  readonly records = new Map<string, DocumentRecord>();
  /** Documents out of the owner index (tombstones). */
  readonly unlisted = new Set<string>();
  /** `<documentId>#<pageNumber>#<generation>` → the page with its expiry. */
  readonly pages = new Map<string, PageRecord & { readonly expiresAt?: number }>();
  readonly tasks: PendingTask[] = [];
  readonly idempotency = new Map<string, IdempotencyRecord>();
  /** `<ownerId>#<window>#<start>` → uploads counted. */
  readonly quotaCounts = new Map<string, number>();

  constructor(readonly options: InMemoryOptions = {}) {}

  /** The clock of `options`, else the table's, in epoch milliseconds. */
  nowMs(options: InMemoryOptions = this.options): number {
    return (options.now ?? this.options.now ?? Date.now)();
  }

  /** Stores records as they are, with their own expiry if any. */
  put(...records: DocumentRecord[]): this {
    for (const record of records) this.records.set(record.documentId, record);
    return this;
  }
}

/** Every store over one table. */
export function inMemoryDocumentStores(options: InMemoryOptions = {}) {
  const table = new InMemoryDocumentTable(options);
  return {
    table,
    documents: new InMemoryDocumentStore(table),
    pages: new InMemoryPageStore(table),
    listing: new InMemoryDocumentListing(table),
    tasks: new InMemoryTaskStore(table),
    idempotency: new InMemoryIdempotencyStore(table),
    quotas: new InMemoryUploadQuotaStore(table),
  };
}

/** A store over the table with options of its own (a retention, a clock), as the real stores have: expiry is judged by its clock. */
abstract class InMemoryStore {
  constructor(
    protected readonly table: InMemoryDocumentTable,
    /** Stands for the store's own options; the table's when absent. */
    protected readonly options: InMemoryOptions = table.options,
  ) {}

  protected nowSeconds(): number {
    return Math.floor(this.table.nowMs(this.options) / 1000);
  }
}

export class InMemoryDocumentStore extends InMemoryStore implements Store<DocumentStore> {
  async get(documentId: string, options: GetOptions = {}): Promise<DocumentRecord | undefined> {
    const record = this.table.records.get(documentId);
    if (!record || (!options.includeExpired && hasExpired(record.expiresAt, this.nowSeconds()))) return undefined;
    return structuredClone(record);
  }

  expiryFor(createdAt: string): number | undefined {
    const retention = this.options.documentRetentionSeconds;
    return retention === undefined ? undefined : Math.floor(Date.parse(createdAt) / 1000) + retention;
  }

  async ping(): Promise<void> {}

  async create(record: DocumentRecord): Promise<boolean> {
    if (this.table.records.has(record.documentId)) return false;
    this.table.records.set(record.documentId, this.withExpiry(record));
    return true;
  }

  async replace(record: DocumentRecord, stored: { readonly generation?: unknown } | undefined): Promise<boolean> {
    const current = this.table.records.get(record.documentId);
    const matches =
      stored === undefined
        ? current === undefined
        : current !== undefined && (stored.generation === undefined ? current.generation === undefined : current.generation === stored.generation);
    if (!matches) return false;
    this.table.records.set(record.documentId, this.withExpiry(record));
    return true;
  }

  async transition(
    documentId: string,
    expected: RecordExpectation,
    changes: Partial<DocumentRecord>,
    removals: readonly (keyof DocumentRecord)[] = [],
  ): Promise<boolean> {
    const current = this.table.records.get(documentId);
    if (!current || hasExpired(current.expiresAt, this.nowSeconds())) return false;
    const { statusIn, ...exact } = expected;
    if (Object.entries(exact).some(([field, value]) => current[field as keyof DocumentRecord] !== value)) return false;
    if (statusIn && !statusIn.includes(current.status)) return false;
    const next: Mutable<Partial<DocumentRecord>> = { ...current };
    for (const [field, value] of Object.entries({ ...changes, updatedAt: changes.updatedAt ?? new Date(this.table.nowMs(this.options)).toISOString() })) {
      if (value !== undefined) (next as Record<string, unknown>)[field] = value;
    }
    for (const field of removals) delete next[field];
    this.table.records.set(documentId, next as DocumentRecord);
    return true;
  }

  async createWithTask(record: DocumentRecord, task: PendingTask): Promise<boolean> {
    if (!(await this.create(record))) return false;
    this.table.tasks.push(task);
    return true;
  }

  async markDeleted(
    documentId: string,
    expected: Pick<DocumentRecord, 'generation' | 'status'>,
    deletion: { readonly deletedAt: string; readonly tombstoneExpiresAt: number; readonly purgeTask: PendingTask },
  ): Promise<boolean> {
    const current = this.table.records.get(documentId);
    if (!current || current.deletedAt !== undefined || current.generation !== expected.generation || current.status !== expected.status) return false;
    this.table.records.set(documentId, {
      ...current,
      deletedAt: deletion.deletedAt,
      updatedAt: deletion.deletedAt,
      generation: current.generation + 1,
      expiresAt: deletion.tombstoneExpiresAt,
    });
    this.table.unlisted.add(documentId);
    this.table.tasks.push(deletion.purgeTask);
    return true;
  }

  async markPurged(documentId: string, purgedAt: string): Promise<void> {
    const current = this.table.records.get(documentId);
    if (current?.deletedAt !== undefined) this.table.records.set(documentId, { ...current, purgedAt });
  }

  private withExpiry(record: DocumentRecord): DocumentRecord {
    if (record.expiresAt !== undefined) return record;
    const expiresAt = this.expiryFor(record.createdAt);
    return expiresAt === undefined ? record : { ...record, expiresAt };
  }
}

export class InMemoryPageStore extends InMemoryStore implements Store<PageStore> {
  async putPages(documentId: string, pages: readonly PageRecord[], expiresAt?: number): Promise<void> {
    for (const page of pages) {
      this.table.pages.set(`${documentId}#${page.pageNumber}#${page.generation}`, { ...page, ...(expiresAt === undefined ? {} : { expiresAt }) });
    }
  }

  async listPages(documentId: string, generation: number, options: { readonly limit: number; readonly afterPageNumber: number }): Promise<PageRun> {
    const pages = this.pagesOf(documentId)
      .filter((page) => page.generation === generation && page.pageNumber > options.afterPageNumber && !hasExpired(page.expiresAt, this.nowSeconds()))
      .sort((a, b) => a.pageNumber - b.pageNumber);
    return { pages: pages.slice(0, options.limit), hasMore: pages.length > options.limit };
  }

  async deletePages(documentId: string): Promise<number> {
    const keys = [...this.table.pages.keys()].filter((key) => key.startsWith(`${documentId}#`));
    for (const key of keys) this.table.pages.delete(key);
    return keys.length;
  }

  private pagesOf(documentId: string) {
    return [...this.table.pages.entries()].filter(([key]) => key.startsWith(`${documentId}#`)).map(([, page]) => page);
  }
}

export class InMemoryDocumentListing extends InMemoryStore implements Store<DocumentListing> {
  async listByOwner(
    ownerId: string,
    options: { readonly limit: number; readonly status?: DocumentStatus; readonly cursor?: string },
  ): Promise<Listing<DocumentRecord>> {
    const listed = [...this.table.records.values()]
      .filter((record) => record.ownerId === ownerId && !this.table.unlisted.has(record.documentId))
      .filter((record) => !hasExpired(record.expiresAt, this.nowSeconds()))
      .filter((record) => options.status === undefined || record.status === options.status)
      .sort((a, b) => (position(a) < position(b) ? 1 : -1));
    // Newest first; a cursor names the last document listed, and the next page starts after it.
    const after = options.cursor === undefined ? undefined : cursorPosition(options.cursor);
    const rest = after === undefined ? listed : listed.filter((record) => position(record) < after);
    const items = rest.slice(0, options.limit);
    const more = rest.length > options.limit;
    return { items, ...(more ? { nextCursor: issueCursor(items.at(-1)!) } : {}) };
  }

  async withSameContent(ownerId: string, sha256: string, limit: number): Promise<string[]> {
    return [...this.table.records.values()]
      .filter((record) => record.ownerId === ownerId && record.sha256 === sha256 && !this.table.unlisted.has(record.documentId))
      .slice(0, limit)
      .map((record) => record.documentId);
  }

  async *scanDocuments(): AsyncGenerator<DocumentRecord> {
    yield* [...this.table.records.values()];
  }
}

/** Where a record sorts in the owner index: by creation time, then id. */
const position = (record: DocumentRecord) => `${record.createdAt}#${record.documentId}`;

/** A cursor of the shape the listing issues: its version, the last listed creation time and id. */
function issueCursor(record: DocumentRecord): string {
  return Buffer.from(JSON.stringify({ v: 1, c: record.createdAt, d: record.documentId })).toString('base64url');
}

/** Where a cursor resumes (`<createdAt>#<documentId>`), refusing one the listing would not have issued. */
function cursorPosition(cursor: string): string {
  let payload: { v?: unknown; c?: unknown; d?: unknown } | undefined;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    // Refused below.
  }
  const valid =
    payload?.v === 1 && typeof payload.c === 'string' && !Number.isNaN(Date.parse(payload.c)) && typeof payload.d === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(payload.d);
  if (!valid) throw new InvalidCursorError('The cursor is not one this API issued.');
  return `${payload!.c as string}#${payload!.d as string}`;
}

export class InMemoryTaskStore implements Store<TaskStore> {
  constructor(private readonly table: InMemoryDocumentTable) {}

  async dueTasks(kind: PendingTask['kind'], now: Date, limit: number): Promise<PendingTask[]> {
    return this.table.tasks
      .filter((task) => task.kind === kind && Date.parse(task.dueAt) <= now.getTime())
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .slice(0, limit);
  }

  async deleteTask(task: PendingTask): Promise<void> {
    const index = this.table.tasks.findIndex((stored) => stored.kind === task.kind && stored.documentId === task.documentId && stored.dueAt === task.dueAt);
    if (index >= 0) this.table.tasks.splice(index, 1);
  }
}

export class InMemoryIdempotencyStore implements Store<IdempotencyStore> {
  constructor(private readonly table: InMemoryDocumentTable) {}

  async claim(ownerId: string, key: string, claim: IdempotencyClaimRequest): Promise<IdempotencyClaim> {
    const existing = this.table.idempotency.get(`${ownerId}\n${key}`);
    const expired = existing !== undefined && existing.expiresAt * 1000 <= claim.now;
    const abandoned = existing?.status === 'IN_PROGRESS' && existing.lockedUntil <= claim.now && existing.requestHash === claim.requestHash;
    if (existing && !expired && !abandoned) return { claimed: false, existing };
    const documentId = abandoned ? existing.documentId : claim.documentId;
    this.table.idempotency.set(`${ownerId}\n${key}`, {
      status: 'IN_PROGRESS',
      requestHash: claim.requestHash,
      documentId,
      lockedUntil: claim.lockedUntil,
      expiresAt: claim.expiresAt,
    });
    return { claimed: true, documentId };
  }

  async complete(ownerId: string, key: string, response: StoredResponse): Promise<void> {
    const existing = this.table.idempotency.get(`${ownerId}\n${key}`);
    if (existing) this.table.idempotency.set(`${ownerId}\n${key}`, { ...existing, status: 'COMPLETED', response });
  }

  async release(ownerId: string, key: string): Promise<void> {
    this.table.idempotency.delete(`${ownerId}\n${key}`);
  }
}

export class InMemoryUploadQuotaStore implements Store<UploadQuotaStore> {
  constructor(private readonly table: InMemoryDocumentTable) {}

  async consume(ownerId: string, now: Date, quota: UploadQuota): Promise<QuotaDecision> {
    const minuteStart = Math.floor(now.getTime() / 60_000) * 60_000;
    const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const windows = [
      { name: 'minute' as const, key: `${ownerId}#minute#${minuteStart}`, limit: quota.perMinute, endsAt: minuteStart + 60_000 },
      { name: 'day' as const, key: `${ownerId}#day#${dayStart}`, limit: quota.perDay, endsAt: dayStart + 24 * 60 * 60_000 },
    ];
    const full = windows.filter((window) => (this.table.quotaCounts.get(window.key) ?? 0) >= window.limit);
    if (full.length > 0) {
      const window = full.at(-1)!;
      return { allowed: false, window: window.name, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now.getTime()) / 1000)) };
    }
    for (const window of windows) this.table.quotaCounts.set(window.key, (this.table.quotaCounts.get(window.key) ?? 0) + 1);
    return { allowed: true };
  }
}
