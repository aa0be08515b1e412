/** What the benchmark's figures are shown against: benchmark targets, not tests. */
export const TARGETS = {
  /** Mean word-overlap F1 against pdftotext over text-bearing files. */
  fidelity: 0.96,
  /** Our pages/s over pdftotext's, same files, same parallelism. */
  throughputRatio: 0.5,
  /** index.mjs + extract-worker.mjs, without pdf.js's CMaps and fonts (MB = 2^20 bytes). */
  codeBytes: 2 * 1024 * 1024,
  /** Fresh node process to page 1 from the bundled worker. */
  coldInitMs: 200,
  /** The 2,000-page file, alone in a fresh process. */
  longFilePeakRssMb: 512,
  /** Hostile files must end FAILED, with a code, within this. */
  hostileFailWithinMs: 30_000,
} as const;
