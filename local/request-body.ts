import type { IncomingMessage } from 'node:http';

/**
 * A request's body, or `undefined` once it passes `limit`. Either way the request is read to its
 * end (what passes the limit is dropped, not kept), so the answer reaches a client that is still
 * sending instead of finding its connection reset.
 */
export function readBodyUpTo(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    request.on('error', reject);
  });
}
