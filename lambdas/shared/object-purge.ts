import { DeleteObjectsCommand, ListObjectVersionsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** Which objects to remove: one key exactly, or everything under a prefix. */
export type ObjectSelection = { readonly key: string } | { readonly prefix: string };

/** S3 deletes at most this many objects per request. */
const DELETE_BATCH = 1000;

/**
 * Permanently removes every version (and delete marker) of the selected objects, so nothing
 * is left to restore from a versioned bucket. Returns how many versions or objects were deleted.
 *
 * Versions are listed first; whatever is still listed as current afterwards is deleted by key
 * as well. On a versioned bucket that second pass finds nothing; on a store without
 * versioning (the local emulator answers the versions listing with nothing) it does the work.
 */
export async function deleteAllVersions(s3: S3Client, bucket: string, selection: ObjectSelection): Promise<number> {
  const prefix = 'key' in selection ? selection.key : selection.prefix;
  const matches = (key: string | undefined): key is string =>
    key !== undefined && ('key' in selection ? key === selection.key : key.startsWith(selection.prefix));

  let deleted = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
    );
    const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((version) => matches(version.Key))
      .map((version) => ({ Key: version.Key!, VersionId: version.VersionId }));
    deleted += await deleteBatch(s3, bucket, versions);
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);

  let continuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }));
    const current = (page.Contents ?? []).filter((object) => matches(object.Key)).map((object) => ({ Key: object.Key! }));
    deleted += await deleteBatch(s3, bucket, current);
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
  return deleted;
}

async function deleteBatch(s3: S3Client, bucket: string, objects: readonly { Key: string; VersionId?: string }[]): Promise<number> {
  for (let start = 0; start < objects.length; start += DELETE_BATCH) {
    const chunk = objects.slice(start, start + DELETE_BATCH);
    const { Errors = [] } = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((object) => ({ ...object })), Quiet: true } }),
    );
    if (Errors.length > 0) {
      const first = Errors[0]!;
      throw new Error(`Could not delete ${Errors.length} object(s), e.g. ${first.Key}: ${first.Code} ${first.Message}`);
    }
  }
  return objects.length;
}
