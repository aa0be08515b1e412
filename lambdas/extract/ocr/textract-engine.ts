/**
 * OCR with Amazon Textract's `DetectDocumentText`, the alternative engine for deployed
 * environments: the rendered page goes as PNG bytes (fast-png: pure JS, no native code, the
 * grey pixels as they are), and Textract's WORD and LINE blocks come back as the same layout
 * the Tesseract engine gives.
 *
 * Throttling (`ThrottlingException`, `ProvisionedThroughputExceededException`) is retried here
 * with capped exponential backoff and full jitter; give the client `maxAttempts: 1` so the SDK
 * does not retry underneath. Textract finds the orientation itself: boxes are on the image as
 * sent, so `rotation` is always 0.
 */
import { DetectDocumentTextCommand, type Block, type TextractClient } from '@aws-sdk/client-textract';
import { encode } from 'fast-png';
import { roundCoordinate, unionBoxes, type Box, type LayoutLine, type LayoutWord } from '../../shared/page-layout.js';
import type { GreyImage, PageSize } from './grey-image.js';
import { OcrUnavailable, PageOcrRefused } from './ocr-errors.js';
import { readingOf } from './ocr-lines.js';
import type { OcrResult } from './tesseract-engine.js';

/** Textract's limit for a synchronous document sent as bytes. */
export const MAX_TEXTRACT_BYTES = 10 * 1024 * 1024;
const RETRYABLE = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException']);
/** Errors that say the page itself cannot be read, whenever it is sent. */
const PAGE_REFUSED = new Set(['InvalidParameterException', 'UnsupportedDocumentException', 'BadDocumentException', 'DocumentTooLargeException']);

export interface TextractEngineOptions {
  readonly client: Pick<TextractClient, 'send'>;
  /** Attempts per page, the first included. @default 6 */
  readonly maxAttempts?: number;
  /** First backoff ceiling; each retry doubles it. @default 200 ms */
  readonly baseDelayMs?: number;
  /** Backoff ceiling. @default 5,000 ms */
  readonly maxDelayMs?: number;
  /** Waits between attempts (injected by tests). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1, for jitter. @default Math.random */
  readonly random?: () => number;
  /**
   * Waits for this worker's turn before each request, retries included, so that all workers
   * together keep within the account's requests-per-second quota (see request-pacer.ts).
   * @default no pacing
   */
  readonly pacer?: { turn(signal?: AbortSignal): Promise<void> };
}

export class TextractEngine {
  private readonly options: Required<TextractEngineOptions>;
  private sent = 0;

  constructor(options: TextractEngineOptions) {
    this.options = {
      maxAttempts: 6,
      baseDelayMs: 200,
      maxDelayMs: 5_000,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      pacer: { turn: async () => {} },
      ...options,
    };
  }

  /** Pages sent to Textract (each costs; $1.50 per 1,000 at list price), retries not counted. */
  get pagesSent(): number {
    return this.sent;
  }

  async recognise(image: GreyImage, page: PageSize, signal?: AbortSignal): Promise<OcrResult> {
    const bytes = encode({ width: image.width, height: image.height, data: image.data, channels: 1, depth: 8 });
    if (bytes.length > MAX_TEXTRACT_BYTES) {
      throw new PageOcrRefused(
        `The page's PNG is ${(bytes.length / 1_048_576).toFixed(1)} MB, over Textract's 10 MB for a page sent as bytes: render it at a lower resolution`,
      );
    }
    this.sent += 1;
    const blocks = await this.detect(bytes, signal);
    return { ...layoutFromBlocks(blocks, page), rotation: 0 };
  }

  /**
   * Throttling is retried here; what is left is sorted for the extractor: a page Textract
   * refuses is `PageOcrRefused` (the page keeps `needsOcr`), anything else `OcrUnavailable`
   * (the document is tried again later). A deadline's abort passes through as it is.
   */
  private async detect(bytes: Uint8Array, signal?: AbortSignal): Promise<Block[]> {
    const { client, maxAttempts, baseDelayMs, maxDelayMs, sleep, random, pacer } = this.options;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await pacer.turn(signal);
        const response = await client.send(new DetectDocumentTextCommand({ Document: { Bytes: bytes } }), { abortSignal: signal });
        return response.Blocks ?? [];
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const name = (error as { name?: string }).name ?? '';
        const message = (error as { message?: string }).message ?? String(error);
        if (PAGE_REFUSED.has(name)) throw new PageOcrRefused(`Textract refused the page: ${name}: ${message}`, { cause: error });
        if (!RETRYABLE.has(name) || attempt >= maxAttempts) {
          throw new OcrUnavailable(`Textract did not read the page${RETRYABLE.has(name) ? ` in ${attempt} attempts` : ''}: ${name}: ${message}`, { cause: error });
        }
        await sleep(Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))));
      }
    }
  }
}

/**
 * Textract's blocks as lines of words in page points: each LINE with its CHILD WORDs, boxes
 * from the ratios of `Geometry.BoundingBox` (left, top, width, height of the image).
 */
export function layoutFromBlocks(blocks: readonly Block[], page: PageSize): Pick<OcrResult, 'text' | 'lines' | 'confidence'> {
  const byId = new Map(blocks.filter((block) => block.Id).map((block) => [block.Id!, block]));
  const toBox = (block: Block): Box | undefined => {
    const box = block.Geometry?.BoundingBox;
    if (box?.Left === undefined || box.Top === undefined || box.Width === undefined || box.Height === undefined) return undefined;
    return [
      roundCoordinate(box.Left * page.width),
      roundCoordinate(box.Top * page.height),
      roundCoordinate((box.Left + box.Width) * page.width),
      roundCoordinate((box.Top + box.Height) * page.height),
    ];
  };
  const lines: LayoutLine[] = [];
  for (const line of blocks) {
    if (line.BlockType !== 'LINE') continue;
    const childIds = (line.Relationships ?? []).filter((relation) => relation.Type === 'CHILD').flatMap((relation) => relation.Ids ?? []);
    const words: LayoutWord[] = [];
    for (const id of childIds) {
      const word = byId.get(id);
      const box = word && toBox(word);
      if (word?.BlockType !== 'WORD' || !word.Text || !box) continue;
      words.push({ text: word.Text, box, confidence: Math.round((word.Confidence ?? 0) * 10) / 10 });
    }
    if (words.length > 0) lines.push({ box: toBox(line) ?? unionBoxes(words.map((word) => word.box)), words });
  }
  return readingOf(lines);
}
