/**
 * The API's request and response bodies as TypeScript types, inferred from the zod schemas the
 * handlers parse and answer with (the same ones the OpenAPI document is generated from), so a
 * client cannot drift from the API. Type-only: nothing of zod reaches a bundle that uses them.
 */
import type { z } from 'zod';
import type {
  AuditList,
  CreateUploadRequest as CreateUploadRequestSchema,
  DeleteAccepted,
  DirectUploadAccepted,
  DocumentList as DocumentListSchema,
  DocumentResponse,
  DocumentSummary as DocumentSummarySchema,
  HealthDetailResponse,
  PageLayoutResponse,
  PageList as PageListSchema,
  RedriveAccepted,
  ReprocessAccepted,
  TableList as TableListSchema,
  UploadCreated as UploadCreatedSchema,
  UsageResponse,
} from '../lambdas/api/schemas.js';
import type {
  CreateWebhookRequest as CreateWebhookRequestSchema,
  DeliveryQueued as DeliveryQueuedSchema,
  SecretRotated as SecretRotatedSchema,
  WebhookCreated as WebhookCreatedSchema,
  WebhookDeliveryList as WebhookDeliveryListSchema,
  WebhookList as WebhookListSchema,
  WebhookSummary as WebhookSummarySchema,
} from '../lambdas/api/webhook-schemas.js';
import type { ChunkList as ChunkListSchema } from '../lambdas/api/markdown-schemas.js';

export type DocumentView = z.infer<typeof DocumentResponse>;
export type DocumentSummary = z.infer<typeof DocumentSummarySchema>;
export type DocumentList = z.infer<typeof DocumentListSchema>;
export type DocumentStatus = DocumentView['status'];
export type PageList = z.infer<typeof PageListSchema>;
export type PageView = PageList['pages'][number];
export type PageTable = NonNullable<PageView['tables']>[number];
export type PageLayout = z.infer<typeof PageLayoutResponse>;
export type ChunkList = z.infer<typeof ChunkListSchema>;
export type ChunkView = ChunkList['chunks'][number];
export type TableList = z.infer<typeof TableListSchema>;
export type DocumentTable = TableList['tables'][number];
export type TableCell = NonNullable<DocumentTable['cells']>[number];
export type DirectUploadAccepted = z.infer<typeof DirectUploadAccepted>;
export type CreateUploadRequest = z.input<typeof CreateUploadRequestSchema>;
export type UploadCreated = z.infer<typeof UploadCreatedSchema>;
export type PresignedPost = UploadCreated['upload'];
export type DeleteAccepted = z.infer<typeof DeleteAccepted>;
export type ReprocessAccepted = z.infer<typeof ReprocessAccepted>;
export type UsageView = z.infer<typeof UsageResponse>;
export type HealthDetail = z.infer<typeof HealthDetailResponse>;
export type AuditList = z.infer<typeof AuditList>;
export type RedriveAccepted = z.infer<typeof RedriveAccepted>;
export type CreateWebhookRequest = z.input<typeof CreateWebhookRequestSchema>;
export type WebhookSummary = z.infer<typeof WebhookSummarySchema>;
export type WebhookList = z.infer<typeof WebhookListSchema>;
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;
export type WebhookDeliveryList = z.infer<typeof WebhookDeliveryListSchema>;
export type DeliveryQueued = z.infer<typeof DeliveryQueuedSchema>;
export type SecretRotated = z.infer<typeof SecretRotatedSchema>;
/** The API's one error shape. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}
