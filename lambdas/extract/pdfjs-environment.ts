/**
 * Prepares the globals pdf.js expects; import it before anything that imports pdf.js.
 *
 * - pdf.js evaluates `new DOMMatrix()` at import time. From source, its optional
 *   `@napi-rs/canvas` dependency supplies one; the bundle leaves that native module out, so a
 *   minimal identity matrix stands in (text extraction never renders).
 * - Importing pdf.js's worker module (see extract-worker.ts) sets `globalThis.pdfjsWorker`, so
 *   pdf.js parses in this thread instead of looking for `pdf.worker.mjs` on disk, which a
 *   bundle lacks.
 */
class IdentityMatrix {
  a = 1;
  b = 0;
  c = 0;
  d = 1;
  e = 0;
  f = 0;
  constructor(init?: ArrayLike<number>) {
    if (init && init.length >= 6) {
      [this.a, this.b, this.c, this.d, this.e, this.f] = Array.from(init).slice(0, 6) as [
        number, number, number, number, number, number,
      ];
    }
  }
}

const globals = globalThis as { DOMMatrix?: unknown };
globals.DOMMatrix ??= IdentityMatrix;
