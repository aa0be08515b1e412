import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PermanentFailure } from '../shared/errors.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** The S3 operations extraction needs: read an original, write a spilled result, read results back for the Markdown. */
export class ObjectStore {
  constructor(private readonly client: S3Client) {}

  /**
   * Reads one object version, refusing to buffer more than `maxBytes` so a size the event
   * under-reported cannot exhaust memory.
   */
  async read(bucket: string, key: string, versionId: string | undefined, maxBytes: number): Promise<Uint8Array> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      if ((response.ContentLength ?? 0) > maxBytes) {
        response.Body?.transformToWebStream().cancel().catch(() => undefined);
        throw new PermanentFailure('TOO_LARGE', `The file is ${response.ContentLength} bytes; the limit is ${maxBytes}.`);
      }
      return await response.Body!.transformToByteArray();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NotFound') {
        throw new PermanentFailure('SOURCE_MISSING', 'The uploaded object no longer exists.');
      }
      throw error;
    }
  }

  async write(bucket: string, key: string, body: string, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  }

  /**
   * Writes a value as gzip JSON. No Content-Encoding is set: the object is a `.json.gz` file,
   * which clients fetching it should keep as it is rather than have silently inflated.
   */
  async writeGzipJson(bucket: string, key: string, value: unknown): Promise<void> {
    const body = await gzipAsync(JSON.stringify(value));
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/gzip' }));
  }

  /** Reads a result written before (a spilled page's text or tables), as UTF-8 text. */
  async readText(bucket: string, key: string): Promise<string> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return response.Body ? response.Body.transformToString('utf8') : '';
  }

  /** Reads a value `writeGzipJson` wrote (a page's layout). */
  async readGzipJson(bucket: string, key: string): Promise<unknown> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    return JSON.parse((await gunzipAsync(body)).toString('utf8')) as unknown;
  }

  /** Copies an object within a bucket, server-side (nothing passes through the function). */
  async copy(bucket: string, fromKey: string, toKey: string): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: toKey, CopySource: `${bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}` }),
    );
  }
}
