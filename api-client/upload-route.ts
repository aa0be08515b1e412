/**
 * The one rule for which way a file goes to the API, for every client (the CLI, the web page,
 * the load test): in the body of `POST /v1/documents` up to the direct limit (one request, no
 * storage round trip; Lambda's payload bounds it), through a presigned POST from
 * `POST /v1/uploads` above it, and not at all above the presigned limit, which the API would
 * refuse. The limits are the deployed API's (its stack outputs, or the page's `config.json`).
 */

/** `POST /v1/documents` with the file as the body, or a presigned POST from `POST /v1/uploads`. */
export type UploadRoute = 'direct' | 'presigned';

export interface UploadLimits {
  /** Largest body `POST /v1/documents` takes. */
  readonly maxDirectUploadBytes: number;
  /** Largest file a presigned POST takes: the largest upload the API accepts. */
  readonly maxPresignedUploadBytes: number;
}

/**
 * The route for a file of `size` bytes; `undefined` for one larger than any upload accepts. An
 * empty file goes direct: the API's answer says what is wrong with it.
 */
export function chooseUploadRoute(size: number, limits: UploadLimits): UploadRoute | undefined {
  if (size > limits.maxPresignedUploadBytes) return undefined;
  return size <= limits.maxDirectUploadBytes ? 'direct' : 'presigned';
}

/** The stack outputs (and the local runtime's `outputs.json` entries) that carry the limits. */
export const UPLOAD_LIMIT_OUTPUTS = {
  maxDirectUploadBytes: 'MaxDirectUploadBytes',
  maxPresignedUploadBytes: 'MaxPresignedUploadBytes',
} as const satisfies Record<keyof UploadLimits, string>;

/**
 * The limits a deployment's outputs give; `undefined` when they give none (a stack deployed
 * before it had these outputs) or ones that are not byte counts.
 */
export function uploadLimitsFromOutputs(outputs: object): UploadLimits | undefined {
  const read = (name: string) => {
    const value = Number((outputs as Readonly<Record<string, unknown>>)[name]);
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  };
  const maxDirectUploadBytes = read(UPLOAD_LIMIT_OUTPUTS.maxDirectUploadBytes);
  const maxPresignedUploadBytes = read(UPLOAD_LIMIT_OUTPUTS.maxPresignedUploadBytes);
  if (maxDirectUploadBytes === undefined || maxPresignedUploadBytes === undefined) return undefined;
  return { maxDirectUploadBytes, maxPresignedUploadBytes };
}
