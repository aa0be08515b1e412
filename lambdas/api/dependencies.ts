import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AuditRepository } from '../shared/audit-repository.js';
import type { DocumentListing } from '../shared/document-listing.js';
import type { DocumentStore } from '../shared/document-store.js';
import type { IdempotencyStore } from '../shared/idempotency-store.js';
import type { PageStore } from '../shared/page-store.js';
import type { UploadQuotaStore } from '../shared/upload-quota-store.js';
import type { WebhookStore } from '../shared/webhook-store.js';
import type { PriceTable } from '../shared/prices.js';
import type { UsageMeter } from '../shared/usage-store.js';
import type { ApiObjects } from './object-access.js';
import type { ApiSettings } from './contract.js';

/** A store's public methods: what the operations call, and all a stand-in must provide. */
type Store<T> = Pick<T, keyof T>;

/** Everything the operations need from outside, so they run against mocks, emulators or AWS alike. */
export interface ApiDependencies {
  readonly settings: ApiSettings;
  /** Document records and their state changes. */
  readonly documents: Store<DocumentStore>;
  readonly pages: Store<PageStore>;
  /** An owner's documents, and every record for the detailed health check. */
  readonly listing: Store<DocumentListing>;
  readonly idempotency: Store<IdempotencyStore>;
  readonly quotas: Store<UploadQuotaStore>;
  /** The audit trail: append and query only. */
  readonly audit: AuditRepository;
  /** Webhook subscriptions and their delivery log. */
  readonly webhooks: WebhookStore;
  readonly objects: ApiObjects;
  /** Usage figures per owner and day. */
  readonly usage: UsageMeter;
  /** Prices of the deployment's region, for cost estimates; absent when none are kept for it. */
  readonly prices?: PriceTable;
  readonly sqs: SQSClient;
  readonly now: () => Date;
  readonly newId: () => string;
}
