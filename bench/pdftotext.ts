/** Poppler's `pdftotext`, the independent reference the benchmark compares our extractor with. */
import { spawn, spawnSync } from 'node:child_process';

/** The installed version line, e.g. "pdftotext version 22.12.0"; exits the benchmark when absent. */
export function requirePdftotext(): string {
  const probe = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
  if (probe.error) {
    console.error(
      'pdftotext was not found on PATH. The benchmark compares against it and does not install anything itself.\n' +
        'Install it (Debian/Ubuntu): sudo apt-get install poppler-utils\n' +
        '           (macOS, Homebrew): brew install poppler',
    );
    process.exit(2);
  }
  // `pdftotext -v` prints its version to stderr.
  return `${probe.stderr}${probe.stdout}`.split('\n')[0]?.trim() ?? 'pdftotext (unknown version)';
}

export interface PdftotextResult {
  readonly ms: number;
  readonly exitCode: number | null;
  readonly text: string;
  /** pdftotext ends every page with a form feed. */
  readonly pages: number;
  /** First line of stderr when the run failed. */
  readonly error?: string;
}

/** Plain-mode text of one PDF (`pdftotext -enc UTF-8 file -`), timed from spawn to exit. */
export function pdftotext(file: string): Promise<PdftotextResult> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn('pdftotext', ['-enc', 'UTF-8', file, '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const ms = performance.now() - startedAt;
      const text = Buffer.concat(stdout).toString('utf8');
      const pages = text.split('\f').length - 1;
      const error = exitCode === 0 ? undefined : Buffer.concat(stderr).toString('utf8').split('\n')[0];
      resolve({ ms, exitCode, text, pages, ...(error !== undefined ? { error } : {}) });
    });
  });
}
