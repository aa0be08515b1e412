/**
 * Writes a document's pages as the extractor delivers them: in batches, each page's layout to
 * S3, and text or tables too large for an item spilled to S3 with a pointer.
 */
import type { DocumentRepository, PageRecord } from '../shared/document-repository.js';
import { pageLayoutKey, spilledPageKey, spilledTablesKey } from '../shared/s3-keys.js';
import type { ObjectStore } from './object-store.js';
import type { ParsedPage } from './pdf-document.js';

/** DynamoDB items are limited to 400 KB; text above this goes to S3 with a pointer. */
export const INLINE_TEXT_LIMIT_BYTES = 350_000;
const PAGE_FLUSH_SIZE = 25;

/** The document and generation the pages belong to, and the expiry they carry. */
export interface PageWriterTarget {
  readonly documentId: string;
  readonly generation: number;
  readonly expiresAt?: number;
}

export interface PageWriterDependencies {
  readonly repository: Pick<DocumentRepository, 'putPages'>;
  readonly objects: Pick<ObjectStore, 'write' | 'writeGzipJson'>;
  readonly limits: { readonly resultsBucket: string };
}

/** Writes pages as they arrive, in batches, spilling content too large for an item to S3. */
export class PageWriter {
  private pending: Promise<void> = Promise.resolve();
  private batch: ParsedPage[] = [];

  constructor(
    private readonly claim: PageWriterTarget,
    private readonly deps: PageWriterDependencies,
    /** Told how many pages each written batch held: the progress of a sharded document. */
    private readonly onWritten: (pages: number) => Promise<void> = async () => undefined,
  ) {}

  add(page: ParsedPage): void {
    this.batch.push(page);
    if (this.batch.length >= PAGE_FLUSH_SIZE) this.flush();
  }

  async finish(): Promise<void> {
    this.flush();
    await this.pending;
  }

  private flush(): void {
    const pages = this.batch;
    this.batch = [];
    if (pages.length === 0) return;
    // Chained so writes stay in order and a failure surfaces at finish().
    this.pending = this.pending.then(() => this.write(pages));
  }

  private async write(pages: readonly ParsedPage[]): Promise<void> {
    const records = await Promise.all(pages.map((page) => this.toRecord(page)));
    await this.deps.repository.putPages(this.claim.documentId, records, this.claim.expiresAt);
    await this.onWritten(records.length);
  }

  private async toRecord(page: ParsedPage): Promise<PageRecord> {
    const { documentId, generation } = this.claim;
    const { limits, objects } = this.deps;
    // The layout always lives in S3: it is several times the text's size.
    const layoutKey = pageLayoutKey(documentId, generation, page.pageNumber);
    await objects.writeGzipJson(limits.resultsBucket, layoutKey, page.layout);
    const base = {
      pageNumber: page.pageNumber,
      generation,
      charCount: page.text.length,
      hasText: page.hasText,
      needsOcr: page.needsOcr,
      textSource: page.textSource,
      ...(page.ocrConfidence !== undefined ? { ocrConfidence: page.ocrConfidence } : {}),
      ...(page.unreadable ? { unreadable: true } : {}),
      layoutRef: { bucket: limits.resultsBucket, key: layoutKey },
    };
    const tables = page.tables.length ? page.tables : undefined;
    const tablesJson = tables ? JSON.stringify(tables) : '';
    const tablesBytes = Buffer.byteLength(tablesJson);
    // Whatever does not fit one item moves to S3: large tables first, then the text if still needed.
    const spillTables = tablesBytes > INLINE_TEXT_LIMIT_BYTES / 2;
    const spillText = Buffer.byteLength(page.text) + (spillTables ? 0 : tablesBytes) > INLINE_TEXT_LIMIT_BYTES;
    if (!spillText && !spillTables) return { ...base, text: page.text, tables };

    const record: { -readonly [K in keyof PageRecord]: PageRecord[K] } = { ...base };
    if (spillText) {
      const key = spilledPageKey(documentId, generation, page.pageNumber);
      await objects.write(limits.resultsBucket, key, page.text, 'text/plain; charset=utf-8');
      record.textRef = { bucket: limits.resultsBucket, key };
    } else {
      record.text = page.text;
    }
    if (spillTables && tables) {
      const key = spilledTablesKey(documentId, generation, page.pageNumber);
      await objects.write(limits.resultsBucket, key, tablesJson, 'application/json');
      record.tablesRef = { bucket: limits.resultsBucket, key };
    } else {
      record.tables = tables;
    }
    return record;
  }
}

