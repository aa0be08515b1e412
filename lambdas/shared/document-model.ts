/**
 * The document and page records as the table holds them, and the expectations a conditional
 * write checks; shared by every store of documents and by the code that reads them.
 */
import type { DocumentSource, DocumentStatus, FailureCode, Lane } from './contract.js';
import type { ExtractedTable } from './page-table.js';

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
  /** The priority lane it is extracted in. */
  readonly lane: Lane;
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
  /** The generation's Markdown and retrieval chunks (see extract/document-markdown.ts). */
  readonly markdownRef?: S3Pointer;
  readonly chunksRef?: S3Pointer;
  readonly chunkCount?: number;
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

/** Whether an item with this TTL value has expired at `nowSeconds` (epoch seconds). */
export function hasExpired(expiresAt: unknown, nowSeconds: number): boolean {
  return typeof expiresAt === 'number' && expiresAt <= nowSeconds;
}
