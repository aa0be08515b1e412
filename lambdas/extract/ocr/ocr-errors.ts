/**
 * How an OCR engine's failure on a page weighs on the document: the page cannot be read by the
 * engine (it keeps `needsOcr` and the document completes), or the engine cannot be reached now
 * (the document is retried later; nothing is recorded against it).
 */

/** This page cannot be read by the engine: an image it refuses, whatever the attempt. */
export class PageOcrRefused extends Error {
  override readonly name = 'PageOcrRefused';
}

/** The engine is out of reach for now (throttled past the retries, a service fault, the network). */
export class OcrUnavailable extends Error {
  override readonly name = 'OcrUnavailable';
}
