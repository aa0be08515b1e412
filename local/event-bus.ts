/**
 * The local stand-in for an EventBridge bus: an HTTP endpoint that speaks enough of the
 * EventBridge API (`PutEvents`, JSON 1.1) for the SDK, and appends every event it accepts, as
 * EventBridge would deliver it to a target, to an append-only NDJSON log. `npm run events`
 * follows that log.
 *
 * Functions reach it through `AWS_ENDPOINT_URL_EVENTBRIDGE`, so they run the same code as on AWS.
 * It listens on the loopback interface only.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { matchesPattern, type EventPattern } from './event-pattern.js';
import { errorMessage, silentLog, type Log } from './log.js';
import { EMULATOR_ACCOUNT_ID, LOOPBACK } from './settings.js';

/** An event as EventBridge hands it to a target, and as each line of the log holds it. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export interface LocalEventBusOptions {
  /** The bus events may be put on (a name, or its ARN); `default` is the usual one. */
  readonly busName: string;
  readonly region: string;
  /** The NDJSON log events are appended to. */
  readonly logFile: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** @default silent */
  readonly log?: Log;
}

interface PutEventsEntry {
  readonly EventBusName?: string;
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Time?: number | string;
  readonly Resources?: string[];
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/**
 * A rule's target: the events that match `pattern` are handed to `deliver`, after they are in
 * the log, as EventBridge hands a matched event to a rule's target after PutEvents answered.
 */
export interface BusTarget {
  readonly name: string;
  readonly pattern: EventPattern;
  /** Rejects to have the delivery retried (EventBridge retries a failed target with backoff). */
  readonly deliver: (event: BusEvent) => Promise<void>;
}

/** Deliveries to a target tried before an event is given up (logged). */
const TARGET_ATTEMPTS = 5;
const TARGET_RETRY_MS = 500;

/** EventBridge allows at most 10 entries per PutEvents call. */
const MAX_ENTRIES = 10;

export class LocalEventBus {
  private readonly targets: BusTarget[] = [];
  private readonly deliveries = new Set<Promise<void>>();

  private constructor(
    private readonly server: Server,
    private readonly options: LocalEventBusOptions,
    readonly endpoint: string,
  ) {}

  static async start(options: LocalEventBusOptions): Promise<LocalEventBus> {
    mkdirSync(dirname(options.logFile), { recursive: true });
    let bus: LocalEventBus | undefined;
    const server = createServer((request, response) => {
      void bus?.handle(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, LOOPBACK, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    bus = new LocalEventBus(server, options, `http://${LOOPBACK}:${port}`);
    return bus;
  }

  /** Adds a rule's target; events put from now on that match its pattern reach it. */
  addTarget(target: BusTarget): void {
    this.targets.push(target);
  }

  /** Stops accepting events and waits for deliveries to targets under way. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(this.deliveries);
  }

  /** Hands an event to every matching target, retrying a failing one a few times. */
  private dispatch(event: BusEvent): void {
    for (const target of this.targets) {
      if (!matchesPattern(target.pattern, event)) continue;
      const delivery = (async () => {
        for (let attempt = 1; ; attempt += 1) {
          try {
            await target.deliver(event);
            return;
          } catch (error) {
            if (attempt >= TARGET_ATTEMPTS) {
              (this.options.log ?? silentLog)(`event bus: gave up delivering event ${event.id} to ${target.name}: ${errorMessage(error)}`);
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, TARGET_RETRY_MS * attempt));
          }
        }
      })();
      this.deliveries.add(delivery);
      void delivery.finally(() => this.deliveries.delete(delivery));
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    const fail = (status: number, type: string, message: string) => reply(status, { __type: type, message });

    const target = request.headers['x-amz-target'];
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      fail(400, 'UnknownOperationException', `The local event bus supports PutEvents only, not ${String(target)}`);
      return;
    }
    let entries: PutEventsEntry[];
    try {
      entries = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: PutEventsEntry[] }).Entries ?? [];
    } catch {
      fail(400, 'SerializationException', 'The request body is not JSON');
      return;
    }
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      fail(400, 'ValidationException', `PutEvents takes 1–${MAX_ENTRIES} entries, got ${entries.length}`);
      return;
    }
    const unknownBus = entries.find((entry) => !this.isOurBus(entry.EventBusName));
    if (unknownBus) {
      fail(400, 'ResourceNotFoundException', `Event bus ${unknownBus.EventBusName} does not exist.`);
      return;
    }

    const results: EntryResult[] = [];
    const accepted: BusEvent[] = [];
    for (const entry of entries) {
      const checked = this.toEvent(entry);
      if ('ErrorCode' in checked) {
        results.push(checked);
      } else {
        results.push({ EventId: checked.id });
        accepted.push(checked);
      }
    }
    // One append per request: the accepted events of a call land together, in order.
    if (accepted.length > 0) appendFileSync(this.options.logFile, `${accepted.map((event) => JSON.stringify(event)).join('\n')}\n`);
    for (const event of accepted) this.dispatch(event);
    reply(200, { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results });
  }

  private isOurBus(name: string | undefined): boolean {
    const ours = this.options.busName;
    // EventBridge puts an entry that names no bus on the default one.
    if (!name) return ours === 'default';
    return name === ours || name.endsWith(`:event-bus/${ours}`);
  }

  /** The event a target would receive, or the entry error EventBridge would report. */
  private toEvent(entry: PutEventsEntry): BusEvent | { ErrorCode: string; ErrorMessage: string } {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required.' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
    }
    // The SDK sends `Time` as epoch seconds; EventBridge reports it to the second.
    const time = entry.Time === undefined ? new Date() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: EMULATOR_ACCOUNT_ID,
      time: `${time.toISOString().slice(0, 19)}Z`,
      region: this.options.region,
      resources: entry.Resources ?? [],
      detail,
    };
  }
}
