/**
 * OCR with tesseract.js 7, fully offline: one core build and the configured languages'
 * traineddata from local files, no cache, no network (see `tesseract-worker.ts`).
 *
 * One engine drives one worker thread, one page at a time (WebAssembly here has no threads:
 * parallelism comes from more engines). The worker's memory grows with the largest page it has
 * seen and is never given back, so after a page that takes it past `memoryBudgetBytes` the
 * worker is stopped and the next page starts a fresh one (0.6–0.8 s).
 */
import { readFile } from 'node:fs/promises';
import { encodePgm, enlargeGrey, rotateGrey, type GreyImage, type PageSize, type Rotation } from './grey-image.js';
import { looksSideways } from './line-direction.js';
import { languageFolder, ORIENTATION_LANGUAGE, resolveOcrAssets, type OcrAssets } from './tesseract-assets.js';
import { layoutFromTsv, type Recognition } from './tesseract-layout.js';
import { TesseractThread } from './tesseract-protocol.js';

export interface OcrResult extends Recognition {
  /** How far the page image was turned clockwise to read upright. */
  readonly rotation: Rotation;
}

export interface TesseractEngineOptions {
  /** Tesseract language codes, e.g. `['eng', 'fra']`; each needs its traineddata shipped. */
  readonly languages?: readonly string[];
  /** Where the worker, core and traineddata are; by default beside this module. */
  readonly assets?: OcrAssets;
  /** WebAssembly memory past which the worker is replaced after its page. @default 512 MiB */
  readonly memoryBudgetBytes?: number;
  /**
   * Below this mean confidence (0–100), a page read as rendered is asked whether it lies turned
   * (Tesseract's orientation detection), and read again turned, the better reading kept. @default 60
   */
  readonly orientationConfidence?: number;
}

const DEFAULT_MEMORY_BUDGET = 512 * 1024 * 1024;
/** An upright page of text reads at 85–95; one lying sideways or upside down at 20–50. */
const DEFAULT_ORIENTATION_CONFIDENCE = 60;
/**
 * Tesseract's orientation confidence below which a page is read as rendered. Low on purpose:
 * clear pages detect at 9–25, and a wrong turn is caught by the reading's own confidence.
 */
const MIN_ORIENTATION_CONFIDENCE = 1;
/** An orientation confidence no second look is needed for (clear pages detect at 9–25). */
const SURE_ORIENTATION_CONFIDENCE = 5;
/** Orientation detection reads small print surely from about this resolution. */
const OSD_MIN_DPI = 200;
/** No page is enlarged past this for orientation detection (a letter page at 300 DPI). */
const OSD_MAX_ENLARGED_PIXELS = 9_000_000;

export class TesseractEngine {
  private readonly languages: readonly string[];
  private readonly assets: OcrAssets;
  private readonly memoryBudget: number;
  private readonly orientationConfidence: number;
  private thread: Promise<TesseractThread> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private started = 0;
  private readings = 0;

  constructor(options: TesseractEngineOptions = {}) {
    this.languages = options.languages ?? ['eng'];
    if (this.languages.length === 0 || this.languages.some((code) => !/^[a-z_]{3,8}$/i.test(code))) {
      throw new Error(`OCR languages must be Tesseract codes such as 'eng': got ${JSON.stringify(this.languages)}`);
    }
    this.assets = options.assets ?? resolveOcrAssets();
    this.memoryBudget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET;
    this.orientationConfidence = options.orientationConfidence ?? DEFAULT_ORIENTATION_CONFIDENCE;
  }

  /**
   * Recognises one rendered page. `image` is the page rendered upright as displayed; `page` its
   * size in points, which the words' boxes are given in. When `signal` aborts (the document's
   * deadline), the page fails with its reason and the worker is stopped; the next page starts
   * a new one.
   */
  recognise(image: GreyImage, page: PageSize, signal?: AbortSignal): Promise<OcrResult> {
    if (image.width < 1 || image.height < 1 || image.data.length !== image.width * image.height) {
      return Promise.reject(new Error(`Not an 8-bit grey image: ${image.width}×${image.height} with ${image.data.length} bytes`));
    }
    // One page at a time: the worker holds one image.
    const run = this.queue.then(() => this.recogniseNow(image, page, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Readings made so far: a page read again turned counts twice. For the bench and tests. */
  get readingsMade(): number {
    return this.readings;
  }

  /** Workers started so far (the first included), for metrics and tests. */
  get workersStarted(): number {
    return this.started;
  }

  /** Starts the worker ahead of the first page (e.g. while the function initialises). */
  async warm(): Promise<void> {
    await this.worker();
  }

  /** Stops the worker; the next page would start a new one. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await (await thread?.catch(() => undefined))?.terminate();
  }

  private async recogniseNow(image: GreyImage, page: PageSize, signal?: AbortSignal): Promise<OcrResult> {
    signal?.throwIfAborted();
    const stop = () => void this.close();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      // Most pages are scanned upright: they are read once, as rendered. Only a reading that
      // comes out poor asks orientation detection (about a tenth of a reading's time) whether
      // the page lies turned, and reads it again turned, keeping the better reading. A page whose
      // lines clearly run down it (looksSideways) asks first, and is read once, turned: a poor
      // first reading costs as much as a good one.
      const askedFirst = looksSideways(image) ? await this.uprightTurn(image, page) : undefined;
      const firstTurn = askedFirst ?? 0;
      let best = await this.read(image, firstTurn, page);
      if (best.confidence < this.orientationConfidence) {
        const turn = firstTurn !== 0 ? 0 : (askedFirst ?? (await this.uprightTurn(image, page)));
        if (turn !== firstTurn) {
          const other = await this.read(image, turn, page);
          if (score(other) > score(best)) best = other;
        }
      }
      await this.recycleIfGrown();
      return best;
    } catch (error) {
      // A worker that failed mid-page is not trusted with the next.
      await this.close();
      throw signal?.aborted ? signal.reason : error;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * The clockwise turn that puts the page's text upright, by Tesseract's orientation detection.
   * Small print at 150 DPI detects rightly but unsurely (confidence 0.4–2.8 on corpus 010), so
   * an unsure answer on a page rendered under 200 DPI is asked again of the page enlarged
   * twice (confidence 9–12), which costs four times the first look; most pages need only one.
   */
  private async uprightTurn(image: GreyImage, page: PageSize): Promise<Rotation> {
    const thread = await this.worker();
    const dpi = dpiOf(image, page);
    let detected = await thread.orientation(encodePgm(image), dpi);
    const unsure = !detected || detected.confidence < SURE_ORIENTATION_CONFIDENCE;
    if (unsure && dpi < OSD_MIN_DPI && image.width * image.height * 4 <= OSD_MAX_ENLARGED_PIXELS) {
      detected = await thread.orientation(encodePgm(enlargeGrey(image, 2)), dpi * 2);
    }
    if (!detected || detected.confidence < MIN_ORIENTATION_CONFIDENCE) return 0;
    return ((360 - detected.clockwise) % 360) as Rotation;
  }

  private async read(image: GreyImage, rotation: Rotation, page: PageSize): Promise<OcrResult> {
    const thread = await this.worker();
    this.readings += 1;
    const { tsv } = await thread.recognise(encodePgm(rotateGrey(image, rotation)), dpiOf(image, page));
    return { ...layoutFromTsv(tsv, image, rotation, page), rotation };
  }

  private async recycleIfGrown(): Promise<void> {
    const thread = await this.worker();
    if ((await thread.wasmBytes()) > this.memoryBudget) await this.close();
  }

  private worker(): Promise<TesseractThread> {
    if (!this.thread) {
      this.started += 1;
      this.thread = this.startWorker();
      this.thread.catch(() => (this.thread = undefined));
    }
    return this.thread;
  }

  private async startWorker(): Promise<TesseractThread> {
    const read = async (code: string) => ({
      code,
      data: new Uint8Array(await readFile(`${languageFolder(this.assets, code)}/${code}.traineddata.gz`)),
    });
    const [orientation, ...languages] = await Promise.all([ORIENTATION_LANGUAGE, ...this.languages].map(read));
    return TesseractThread.start(this.assets, languages, orientation!);
  }
}

/** How much confident text a reading holds: characters weighted by their word's confidence. */
function score(result: OcrResult): number {
  return result.lines.reduce(
    (sum, line) => sum + line.words.reduce((lineSum, word) => lineSum + word.text.length * (word.confidence ?? 0), 0),
    0,
  );
}

/** The image's resolution: its pixels per inch of the page. */
function dpiOf(image: GreyImage, page: PageSize): number {
  return (image.width / page.width) * 72;
}
