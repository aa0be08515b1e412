import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalEventBus } from '../../local/event-bus.js';

let dir: string;
let bus: LocalEventBus;
let client: EventBridgeClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-bus-'));
  bus = await LocalEventBus.start({ busName: 'default', region: 'eu-west-1', logFile: join(dir, 'events.ndjson') });
  client = new EventBridgeClient({ region: 'eu-west-1', endpoint: bus.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterAll(async () => {
  client?.destroy();
  await bus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const logged = () =>
  readFileSync(join(dir, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('the local event bus', () => {
  it('takes PutEvents from the SDK and logs each event as EventBridge delivers it', async () => {
    // Act
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'default',
            Source: 'pdf-pipeline.dev',
            DetailType: 'Document Completed',
            Detail: JSON.stringify({ documentId: 'd1' }),
            Time: new Date('2026-11-23T10:00:00.250Z'),
          },
          { Source: 'pdf-pipeline.dev', DetailType: 'Document Failed', Detail: 'not json' },
        ],
      }),
    );

    // Assert: per-entry results, as EventBridge reports them.
    expect(response.FailedEntryCount).toBe(1);
    expect(response.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(response.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(logged()).toEqual([
      {
        version: '0',
        id: response.Entries?.[0]?.EventId,
        'detail-type': 'Document Completed',
        source: 'pdf-pipeline.dev',
        account: '000000000000',
        time: '2026-11-23T10:00:00Z',
        region: 'eu-west-1',
        resources: [],
        detail: { documentId: 'd1' },
      },
    ]);
  });

  it('refuses a bus that does not exist, as EventBridge does', async () => {
    await expect(
      client.send(new PutEventsCommand({ Entries: [{ EventBusName: 'other', Source: 's', DetailType: 't', Detail: '{}' }] })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('hands events that match a target’s pattern to it, retrying a failing target', async () => {
    // Arrange
    const delivered: { id: string; detailType: string }[] = [];
    let failures = 1;
    bus.addTarget({
      name: 'test target',
      pattern: { source: ['pdf-pipeline.targets'], 'detail-type': ['Document Completed'] },
      deliver: async (event) => {
        if (failures-- > 0) throw new Error('not yet');
        delivered.push({ id: event.id, detailType: event['detail-type'] });
      },
    });

    // Act
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'pdf-pipeline.targets', DetailType: 'Document Completed', Detail: '{"documentId":"d1"}' },
          { Source: 'pdf-pipeline.targets', DetailType: 'Document Failed', Detail: '{"documentId":"d2"}' },
          { Source: 'someone.else', DetailType: 'Document Completed', Detail: '{"documentId":"d3"}' },
        ],
      }),
    );

    // Assert: only the matching event, once, after one failed delivery.
    await vi.waitFor(() => expect(delivered).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(delivered).toEqual([{ id: response.Entries![0]!.EventId, detailType: 'Document Completed' }]);
  });
});
