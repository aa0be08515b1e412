/**
 * The OCR engine an extraction worker reads pages with, chosen by its settings: tesseract.js
 * (a thread per page being read, up to `parallelPages`) or Amazon Textract's
 * DetectDocumentText (requests paced to this worker's share of the account's quota).
 */
import type { GreyImage, PageSize } from './grey-image.js';
import type { OcrResult } from './tesseract-engine.js';
import { TesseractEngine } from './tesseract-engine.js';

export interface OcrEngine {
  recognise(image: GreyImage, page: PageSize, signal?: AbortSignal): Promise<OcrResult>;
  close(): Promise<void>;
}

/** What the engines are built from (the worker's `OcrSettings`). */
export interface OcrEngineSettings {
  readonly engine?: 'tesseract' | 'textract';
  readonly languages: readonly string[];
  readonly parallelPages?: number;
  readonly textractIntervalMs?: number;
}

/**
 * Up to `size` engines, each page given to an idle one (started on demand), else to the least
 * busy: Tesseract reads one page per thread, so pages read at once need threads of their own.
 */
export class OcrEnginePool implements OcrEngine {
  private readonly slots: { readonly engine: OcrEngine; busy: number }[] = [];

  constructor(
    private readonly create: () => OcrEngine,
    private readonly size: number,
  ) {}

  /** Engines started so far. */
  get engines(): number {
    return this.slots.length;
  }

  async recognise(image: GreyImage, page: PageSize, signal?: AbortSignal): Promise<OcrResult> {
    let slot = this.slots.find((candidate) => candidate.busy === 0);
    if (!slot && this.slots.length < Math.max(1, this.size)) {
      slot = { engine: this.create(), busy: 0 };
      this.slots.push(slot);
    }
    slot ??= this.slots.reduce((least, candidate) => (candidate.busy < least.busy ? candidate : least));
    slot.busy += 1;
    try {
      return await slot.engine.recognise(image, page, signal);
    } finally {
      slot.busy -= 1;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((slot) => slot.engine.close()));
  }
}

/**
 * The engine for `settings`. Textract's SDK client is loaded only when Textract is configured,
 * so Tesseract's workers do not pay for it at start.
 */
export async function createOcrEngine(settings: OcrEngineSettings): Promise<OcrEngine> {
  const size = Math.max(1, settings.parallelPages ?? 1);
  if (settings.engine !== 'textract') {
    return new OcrEnginePool(() => new TesseractEngine({ languages: settings.languages }), size);
  }
  const [{ TextractClient }, { TextractEngine }, { RequestPacer }] = await Promise.all([
    import('@aws-sdk/client-textract'),
    import('./textract-engine.js'),
    import('./request-pacer.js'),
  ]);
  // The engine retries throttling itself, paced; the SDK must not retry underneath it.
  const client = new TextractClient({ maxAttempts: 1 });
  const textract = new TextractEngine({ client, pacer: new RequestPacer(settings.textractIntervalMs ?? 0) });
  // One engine serves concurrent pages (each a request); the pacer spaces their starts.
  return { recognise: (image, page, signal) => textract.recognise(image, page, signal), close: async () => client.destroy() };
}
