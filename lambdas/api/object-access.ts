import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Pointer } from '../shared/document-model.js';

export const PDF_CONTENT_TYPE = 'application/pdf';

/** What a presigned POST allows: one key, PDFs only, a bounded size, until it expires. */
export interface PresignedUploadRequest {
  readonly bucket: string;
  readonly key: string;
  readonly maxBytes: number;
  readonly expiresInSeconds: number;
}

/** The S3 operations the API needs: store an upload, hand out presigned URLs, read spilled results. */
export class ApiObjects {
  constructor(private readonly client: S3Client) {}

  async putPdf(bucket: string, key: string, bytes: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: PDF_CONTENT_TYPE }));
  }

  /**
   * A presigned POST whose policy pins the key (chosen by the server), the content type and a
   * content-length range, so the browser can upload only that one PDF of at most `maxBytes`.
   */
  presignedPost(request: PresignedUploadRequest): Promise<PresignedPost> {
    return createPresignedPost(this.client, {
      Bucket: request.bucket,
      Key: request.key,
      Conditions: [
        { bucket: request.bucket },
        ['eq', '$key', request.key],
        ['eq', '$Content-Type', PDF_CONTENT_TYPE],
        ['content-length-range', 1, request.maxBytes],
      ],
      Fields: { 'Content-Type': PDF_CONTENT_TYPE },
      Expires: request.expiresInSeconds,
    });
  }

  /** A short-lived GET of one object (version), with the download's name and type. */
  presignedGet(
    pointer: S3Pointer & { readonly versionId?: string },
    options: {
      readonly expiresInSeconds: number;
      readonly contentDisposition?: string;
      readonly contentType?: string;
      readonly contentEncoding?: string;
    },
  ): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: pointer.bucket,
        Key: pointer.key,
        VersionId: pointer.versionId,
        ResponseContentDisposition: options.contentDisposition,
        ResponseContentType: options.contentType,
        ResponseContentEncoding: options.contentEncoding,
      }),
      { expiresIn: options.expiresInSeconds },
    );
  }

  /** A gzip JSON object as text, or undefined when it inflates past `maxBytes`. */
  async readGzipText(pointer: S3Pointer, maxBytes: number): Promise<string | undefined> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: pointer.bucket, Key: pointer.key }));
    const compressed = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    try {
      return gunzipSync(compressed, { maxOutputLength: maxBytes }).toString('utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
      throw error;
    }
  }

  /** An object as text, or undefined when it is larger than `maxBytes` (then nothing is read). */
  async readTextWithin(pointer: S3Pointer, maxBytes: number): Promise<string | undefined> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: pointer.bucket, Key: pointer.key }));
    if ((response.ContentLength ?? 0) > maxBytes) {
      await response.Body?.transformToWebStream().cancel().catch(() => undefined);
      return undefined;
    }
    return response.Body ? response.Body.transformToString('utf8') : '';
  }

  async readText(pointer: S3Pointer): Promise<string> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: pointer.bucket, Key: pointer.key }));
    return response.Body ? response.Body.transformToString('utf8') : '';
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NotFound' || name === 'NoSuchKey') return false;
      throw error;
    }
  }

  async checkBucket(bucket: string, abortSignal: AbortSignal): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal });
  }
}
