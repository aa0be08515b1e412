/**
 * The audit trail's store against DynamoDB Local through the real SDK: entries are appended and
 * never overwritten; read newest first by document, by actor, by both, or by time range, a page
 * at a time with cursors only it issues; a page that runs out of days hands on where it stopped;
 * the local stand-in for TTL removes what has expired.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository, MAX_DAYS_PER_PAGE, type AuditEntry } from '../../lambdas/shared/audit-repository.js';
import { InvalidCursorError } from '../../lambdas/shared/listing.js';
import { useAuditTable } from '../support/document-table.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const RETENTION_DAYS = 90;

const table = useAuditTable();
let audit: AuditRepository;

beforeAll(() => {
  audit = new AuditRepository(table.client, table.tableName, RETENTION_DAYS);
});

let ids = 0;
function entry(at: string, fields: Partial<AuditEntry> = {}): AuditEntry {
  ids += 1;
  return {
    entryId: `e-${ids}`,
    at,
    actor: 'alice',
    actorIsAdmin: false,
    operation: 'deleteDocument',
    outcome: { status: 202 },
    requestId: `r-${ids}`,
    ...fields,
  };
}

const entryIds = (entries: readonly AuditEntry[]) => entries.map((listed) => listed.entryId);

describe('AuditRepository.record', () => {
  it('appends an entry as it was given, and never writes over one', async () => {
    // Arrange
    const documentId = 'doc-record';
    const first = entry('2026-11-23T10:15:00.123Z', { documentId, ownerId: 'alice' });

    // Act
    await audit.record(first);
    const overwrite = audit.record({ ...first, actor: 'mallory' });

    // Assert
    await expect(overwrite).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect((await audit.query({ documentId, limit: 10 }, NOW)).items).toEqual([first]);
  });
});

describe('AuditRepository.query', () => {
  it("reads a document's entries newest first, within the range, and filters them by actor", async () => {
    // Arrange
    const documentId = 'doc-range';
    const [early, byRoot, late] = [
      entry('2026-11-01T08:00:00.000Z', { documentId }),
      entry('2026-11-01T09:00:00.000Z', { documentId, actor: 'root', actorIsAdmin: true }),
      entry('2026-11-02T08:00:00.000Z', { documentId }),
    ];
    for (const each of [early, byRoot, late]) await audit.record(each);

    // Act
    const all = await audit.query({ documentId, limit: 10 }, NOW);
    const ranged = await audit.query({ documentId, from: '2026-11-01T08:30:00.000Z', to: '2026-11-02T08:00:00.000Z', limit: 10 }, NOW);
    const byActor = await audit.query({ documentId, actor: 'root', limit: 10 }, NOW);

    // Assert
    expect(entryIds(all.items)).toEqual(entryIds([late, byRoot, early]));
    expect(entryIds(ranged.items)).toEqual(entryIds([byRoot]));
    expect(entryIds(byActor.items)).toEqual(entryIds([byRoot]));
  });

  it("reads an actor's entries across documents, newest first", async () => {
    // Arrange
    const actor = 'auditor-1';
    const entries = [entry('2026-11-20T01:00:00.000Z', { actor, documentId: 'a' }), entry('2026-11-21T01:00:00.000Z', { actor, documentId: 'b' })];
    for (const each of entries) await audit.record(each);

    // Act
    const listed = await audit.query({ actor, limit: 10 }, NOW);

    // Assert
    expect(entryIds(listed.items)).toEqual(entryIds([...entries].reverse()));
  });

  it('reads a time range across its days newest first, a page at a time, each entry once', async () => {
    // Arrange: entries on three days of a range no other test writes to
    const entries = ['2026-09-10T10:00:00.000Z', '2026-09-10T11:00:00.000Z', '2026-09-11T10:00:00.000Z', '2026-09-12T23:59:59.999Z'].map((at) => entry(at));
    for (const each of entries) await audit.record(each);
    const range = { from: '2026-09-10T00:00:00.000Z', to: '2026-09-13T00:00:00.000Z' };

    // Act
    const first = await audit.query({ ...range, limit: 3 }, NOW);
    const second = await audit.query({ ...range, limit: 3, cursor: first.nextCursor }, NOW);

    // Assert
    expect([...entryIds(first.items), ...entryIds(second.items)]).toEqual(entryIds([...entries].reverse()));
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(second.nextCursor).toBeUndefined();
  });

  it('hands a cursor at the next day to read when a page ran out of day partitions', async () => {
    // Arrange: one entry further back than a page of days reaches from the range's end
    const old = entry('2026-06-01T12:00:00.000Z');
    await audit.record(old);
    const range = { from: '2026-05-01T00:00:00.000Z', to: '2026-07-15T00:00:00.000Z' };

    // Act
    const pages = [await audit.query({ ...range, limit: 10 }, NOW)];
    while (pages.at(-1)!.nextCursor && pages.length < 5) pages.push(await audit.query({ ...range, limit: 10, cursor: pages.at(-1)!.nextCursor }, NOW));

    // Assert: the empty first page still hands on, and a later page finds the entry
    expect(pages[0]!.items).toEqual([]);
    expect(pages[0]!.nextCursor).toEqual(expect.any(String));
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(45 / MAX_DAYS_PER_PAGE));
    expect(pages.flatMap((listed) => entryIds(listed.items))).toEqual([old.entryId]);
    expect(pages.at(-1)!.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not issue', async () => {
    // Arrange
    const forged = Buffer.from(JSON.stringify({ v: 1, b: 'DAY#x' })).toString('base64url');

    // Act
    const answers = await Promise.allSettled([audit.query({ limit: 10, cursor: forged }, NOW), audit.query({ limit: 10, cursor: 'not json' }, NOW)]);

    // Assert
    for (const answer of answers) expect(answer).toMatchObject({ status: 'rejected', reason: expect.any(InvalidCursorError) });
  });
});

describe('AuditRepository.deleteExpired', () => {
  it('deletes the entries past their retention, and only those', async () => {
    // Arrange: one entry just past the retention at NOW, one just within it
    const documentId = 'doc-expiry';
    const expired = entry(new Date(NOW.getTime() - RETENTION_DAYS * 86_400_000 - 1_000).toISOString(), { documentId });
    const kept = entry(new Date(NOW.getTime() - RETENTION_DAYS * 86_400_000 + 1_000).toISOString(), { documentId });
    for (const each of [expired, kept]) await audit.record(each);

    // Act
    const deleted = await audit.deleteExpired(NOW);

    // Assert
    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = await audit.query({ documentId, from: '2026-01-01T00:00:00.000Z', limit: 10 }, NOW);
    expect(entryIds(left.items)).toEqual([kept.entryId]);
  });
});
