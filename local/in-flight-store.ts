/**
 * Receipt handles of the messages the event source has received and not yet settled, kept in
 * a file so that the next run can hand them back to the queue at once.
 */
import { readJson, writeJsonAtomic } from './state-dir.js';

export interface InFlightMessage {
  readonly receiptHandle: string;
  readonly messageId: string;
  readonly receivedAt: string;
}

export class InFlightStore {
  private readonly messages = new Map<string, InFlightMessage>();

  constructor(private readonly file: string) {}

  /** What the previous run left unsettled. */
  readPrevious(): InFlightMessage[] {
    return readJson<InFlightMessage[]>(this.file) ?? [];
  }

  add(messages: readonly Omit<InFlightMessage, 'receivedAt'>[]): void {
    const receivedAt = new Date().toISOString();
    for (const message of messages) this.messages.set(message.receiptHandle, { ...message, receivedAt });
    this.save();
  }

  remove(receiptHandles: readonly string[]): void {
    for (const handle of receiptHandles) this.messages.delete(handle);
    this.save();
  }

  /** Forgets the previous run's handles once they have been released. */
  save(): void {
    writeJsonAtomic(this.file, [...this.messages.values()]);
  }
}
