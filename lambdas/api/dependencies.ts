import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AuditRepository } from '../shared/audit-repository.js';
import type { DocumentRepository } from '../shared/document-repository.js';
import type { WebhookStore } from '../shared/webhook-store.js';
import type { PriceTable } from '../shared/prices.js';
import type { UsageMeter } from '../shared/usage-store.js';
import type { ApiObjects } from './object-access.js';
import type { ApiSettings } from './contract.js';

/** Everything the operations need from outside, so they run against mocks, emulators or AWS alike. */
export interface ApiDependencies {
  readonly settings: ApiSettings;
  readonly repository: DocumentRepository;
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
