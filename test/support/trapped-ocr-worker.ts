/**
 * The OCR worker with every way out trapped: network (fetch, http, https, net, tls, dns) and
 * file writes. Any attempt is reported to the engine as a fault, which fails the page, and is
 * refused. Loaded in place of the worker by the tests that prove OCR stays offline and read-only.
 */
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import { parentPort } from 'node:worker_threads';

function trap(what: string): never {
  parentPort?.postMessage({ status: 'reject', data: `trapped ${what}` });
  throw new Error(`trapped ${what}`);
}

function replace(target: object, names: readonly string[], label: string): void {
  for (const name of names) {
    Object.defineProperty(target, name, { value: () => trap(`${label}.${name}`), writable: true, configurable: true });
  }
}

globalThis.fetch = () => trap('fetch');
replace(http, ['request', 'get'], 'http');
replace(https, ['request', 'get'], 'https');
replace(net, ['connect', 'createConnection'], 'net');
replace(net.Socket.prototype, ['connect'], 'net.Socket');
replace(tls, ['connect'], 'tls');
replace(dns, ['lookup', 'resolve'], 'dns');
replace(dns.promises, ['lookup', 'resolve'], 'dns.promises');
const writes = ['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'mkdir', 'mkdirSync', 'copyFile', 'copyFileSync', 'rename', 'renameSync', 'unlink', 'unlinkSync'];
replace(fs, writes, 'fs');
replace(fs.promises, ['writeFile', 'appendFile', 'mkdir', 'copyFile', 'rename', 'unlink'], 'fs.promises');
// Opening for anything but reading is a write too.
const { open, openSync } = fs;
const { open: openPromise } = fs.promises;
const readOnly = (flags: unknown) => flags === undefined || flags === 'r' || flags === fs.constants.O_RDONLY;
Object.assign(fs, {
  open: (path: fs.PathLike, flags: unknown, ...rest: unknown[]) =>
    readOnly(typeof flags === 'function' ? undefined : flags) ? (open as (...args: unknown[]) => void)(path, flags, ...rest) : trap(`fs.open ${String(path)}`),
  openSync: (path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => (readOnly(flags) ? openSync(path, flags ?? 'r', mode) : trap(`fs.openSync ${String(path)}`)),
});
Object.assign(fs.promises, {
  open: (path: fs.PathLike, flags?: string | number, mode?: fs.Mode) => (readOnly(flags) ? openPromise(path, flags, mode) : trap(`fs.promises.open ${String(path)}`)),
});
syncBuiltinESMExports();

await import('../../lambdas/extract/ocr/tesseract-worker.js');
