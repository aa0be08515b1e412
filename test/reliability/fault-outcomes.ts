/**
 * What each faults test file leaves for RELIABILITY.md: every case's fault, documents, end states,
 * attempts and faults injected, read back from the table rather than assumed, and the file's
 * reconciliation. The file's share goes to `reports/reliability/faults.<part>.json` and is merged
 * into `faults.json` (see `figures.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { TERMINAL_STATUSES } from '../../lambdas/shared/contract.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import type { DocumentEventDetail } from '../../lambdas/shared/document-events.js';
import type { BusEvent } from '../../local/event-bus.js';
import type { TestRuntime } from '../support/local-runtime.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { writeFaultsPart, type FaultCase } from './figures.js';
import { deadLetterDepth } from './runtime-checks.js';

export interface FaultCaseSpec {
  readonly name: string;
  readonly fault: string;
  readonly expected: string;
  /** What the documents went through, when their end state alone does not say it (e.g. POISON, then a redrive). */
  readonly ended?: string;
  /** The attempts that matter, when a later step reset them (a redrive revives a POISON document at attempt 1). */
  readonly attempts?: number;
}

export class FaultOutcomes {
  private readonly cases: FaultCase[] = [];
  private readonly accepted = new Set<string>();
  private readonly startedAt = Date.now();
  private runtime: TestRuntime | undefined;

  constructor(
    private readonly part: string,
    private readonly coveredElsewhere: readonly { readonly name: string; readonly where: string }[] = [],
  ) {}

  /** The runtime the documents live in (again after a restart). */
  use(runtime: TestRuntime): void {
    this.runtime = runtime;
  }

  /**
   * Runs a case's assertions and records its outcome either way: the documents' end states and
   * attempts as the table holds them, and how many faults were injected. A failed assertion is
   * recorded as a failed case and thrown on.
   */
  async check(spec: FaultCaseSpec, documentIds: readonly string[], injected: () => number, assertions: () => Promise<void>): Promise<void> {
    for (const id of documentIds) this.accepted.add(id);
    let passed = false;
    try {
      await assertions();
      passed = true;
    } finally {
      const records = await this.records(documentIds);
      const terminal = records.filter((record): record is DocumentRecord => record !== undefined && TERMINAL_STATUSES.includes(record.status));
      this.cases.push({
        ...spec,
        ended: spec.ended ?? describeEnds(records),
        documents: documentIds.length,
        lost: documentIds.length - terminal.length,
        injected: injected(),
        attempts: spec.attempts ?? Math.max(0, ...records.map((record) => record?.attempts ?? 0)),
        passed,
      });
    }
  }

  /** Writes this file's share; call once, in `afterAll`, while the runtime is still up. */
  async write(): Promise<void> {
    if (!this.runtime) return;
    const ids = [...this.accepted];
    const records = await this.records(ids);
    writeFaultsPart({
      part: this.part,
      generatedAt: new Date().toISOString(),
      wallClockMs: Date.now() - this.startedAt,
      cases: this.cases,
      coveredElsewhere: this.coveredElsewhere,
      acceptedDocumentIds: ids,
      terminalDocumentIds: ids.filter((_, index) => {
        const record = records[index];
        return record !== undefined && TERMINAL_STATUSES.includes(record.status);
      }),
      deadLettered: await deadLetterDepth(this.runtime),
    });
  }

  private async records(ids: readonly string[]): Promise<(DocumentRecord | undefined)[]> {
    if (!this.runtime) return ids.map(() => undefined);
    const probe = new PipelineProbe(this.runtime);
    return Promise.all(ids.map((id) => probe.documents.get(id).catch(() => undefined)));
  }
}

/** `COMPLETED ×2, FAILED POISON ×1`, or `never terminal` for documents with no end state. */
function describeEnds(records: readonly (DocumentRecord | undefined)[]): string {
  const counts = new Map<string, number>();
  for (const record of records) {
    const state = !record
      ? 'no record'
      : TERMINAL_STATUSES.includes(record.status)
        ? [record.status, record.error?.code].filter(Boolean).join(' ')
        : `${record.status} (never terminal)`;
    const withDeletion = record?.deletedAt ? `${state}, then deleted${record.purgedAt ? ' and purged' : ''}` : state;
    counts.set(withDeletion, (counts.get(withDeletion) ?? 0) + 1);
  }
  return [...counts].map(([state, count]) => `${state} ×${count}`).join(', ');
}

export type DocumentEvent = BusEvent & { detail: DocumentEventDetail };

/** The document events put on the local bus for one document, in order. */
export function documentEvents(local: TestRuntime, documentId: string): DocumentEvent[] {
  const file = local.outputs.EventLog;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DocumentEvent)
    .filter((event) => event.detail.documentId === documentId);
}
