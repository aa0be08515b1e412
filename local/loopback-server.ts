/**
 * Every HTTP server of the local runtime (the API gateway, the web page, the S3 CORS proxy, the
 * fault proxy) listens on loopback only and stops the same way: open connections are destroyed
 * rather than waited for, so an idle browser or SDK keep-alive connection never holds up Ctrl-C
 * or a test's teardown.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { LOOPBACK } from './settings.js';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The port bound: the one asked for, or the one the OS chose for 0. */
  readonly port: number;
  /** Stops listening and destroys every open connection. */
  stop(): Promise<void>;
}

/** Starts `server` on `port` of the loopback interface (0: a free port). */
export async function listenOnLoopback(server: Server, port = 0): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  return {
    url: `http://${LOOPBACK}:${bound}`,
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
