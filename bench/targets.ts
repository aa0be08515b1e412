/** What the benchmark's figures are shown against: benchmark targets, not tests. */
export const TARGETS = {
  /** Mean word-overlap F1 against pdftotext over text-bearing files. */
  fidelity: 0.98,
  /** Word-overlap F1 of each Arabic file (048, 049): right-to-left text laid out as pdftotext reads it. */
  arabicFidelity: 0.85,
  /** Our pages/s over pdftotext's, same files, same parallelism. */
  throughputRatio: 1.5,
  /** The whole deployment package unzipped: code, PDFium's WebAssembly and assets (MB = 2^20 bytes). */
  packageBytes: 20 * 1024 * 1024,
  /** Fresh node process to page 1 from the bundled worker. */
  coldInitMs: 200,
  /** The 2,000-page file, alone in a fresh process. */
  longFilePeakRssMb: 200,
  /** Hostile files must end FAILED, with a code, within this. */
  hostileFailWithinMs: 30_000,
} as const;

/** The corpus's right-to-left files, whose fidelity is shown against their own target. */
export const ARABIC_FILES = ['048-nonlatin-habibi.pdf', '049-nonlatin-habibi-rotated.pdf'] as const;
