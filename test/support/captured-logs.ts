/**
 * What a handler tells CloudWatch, read back in a test: Powertools writes its log lines and
 * EMF metrics as JSON lines on stdout and stderr, which is all CloudWatch sees of them.
 */
import { vi } from 'vitest';
import { jsonLines } from './json-lines.js';

/** Runs `act` with stdout and stderr captured, and returns every JSON line written meanwhile, parsed. */
export async function capturedJsonLines(act: () => Promise<unknown>): Promise<Record<string, any>[]> {
  const written: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }),
  );
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return jsonLines(written.join(''));
}

