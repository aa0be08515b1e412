import {
  DetectDocumentTextCommand,
  InvalidParameterException,
  ProvisionedThroughputExceededException,
  TextractClient,
  ThrottlingException,
  type DetectDocumentTextCommandOutput,
} from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { decode } from 'fast-png';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { OcrUnavailable, PageOcrRefused } from '../../lambdas/extract/ocr/ocr-errors.js';
import { TextractEngine } from '../../lambdas/extract/ocr/textract-engine.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/textract/${name}.json`, import.meta.url), 'utf8')) as DetectDocumentTextCommandOutput;
const PAGE_WITH_TEXT = fixture('detect-document-text');
const BLANK_PAGE = fixture('detect-document-text-blank');

/** A 4 × 2 grey image of a letter page. */
const IMAGE = { width: 4, height: 2, data: Uint8Array.from([0, 50, 100, 150, 200, 250, 255, 128]) };
const LETTER = { width: 612, height: 792 };

describe('TextractEngine', () => {
  const textract = mockClient(TextractClient);
  const sleeps: number[] = [];
  const engine = (maxAttempts?: number) =>
    new TextractEngine({
      client: new TextractClient({ region: 'eu-west-1', maxAttempts: 1 }),
      maxAttempts,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
    });

  afterEach(() => {
    textract.reset();
    sleeps.length = 0;
  });

  it('sends the rendered page as PNG bytes, its grey pixels unchanged', async () => {
    // Arrange
    textract.on(DetectDocumentTextCommand).resolves(PAGE_WITH_TEXT);

    // Act
    await engine().recognise(IMAGE, LETTER);

    // Assert
    const sent = textract.commandCalls(DetectDocumentTextCommand)[0]!.args[0].input.Document!.Bytes!;
    const png = decode(sent);
    expect([png.width, png.height, png.channels, png.depth]).toEqual([4, 2, 1, 8]);
    expect([...png.data]).toEqual([...IMAGE.data]);
  });

  it("maps Textract's lines and words into the layout, boxes from ratios to page points", async () => {
    // Arrange
    textract.on(DetectDocumentTextCommand).resolves(PAGE_WITH_TEXT);

    // Act
    const result = await engine().recognise(IMAGE, LETTER);

    // Assert
    expect(result.text).toBe('Maintenance Report\nPump 3 inspected');
    expect(result.rotation).toBe(0);
    expect(result.lines).toHaveLength(2);
    expect(result.lines[0]!.words.map((word) => word.text)).toEqual(['Maintenance', 'Report']);
    // Left 0.2955 × 612, top 0.0275 × 792, right (0.2955 + 0.2110) × 612, bottom (0.0275 + 0.0691) × 792
    expect(result.lines[0]!.words[0]).toEqual({ text: 'Maintenance', box: [180.8, 21.8, 310, 76.5], confidence: 100 });
    expect(result.lines[0]!.box).toEqual([180.8, 21.8, 388.4, 76.5]);
    expect(result.lines[1]!.words[1]).toMatchObject({ text: '3', confidence: 95.4 });
    expect(result.confidence).toBeCloseTo((100 + 99.9 + 99.2 + 95.4 + 97.9) / 5, 1);
  });

  it('reads a page with no text as empty, not as a failure', async () => {
    // Arrange
    textract.on(DetectDocumentTextCommand).resolves(BLANK_PAGE);

    // Act
    const result = await engine().recognise(IMAGE, LETTER);

    // Assert
    expect(result).toEqual({ text: '', lines: [], confidence: 0, rotation: 0 });
  });

  it('retries throttling with growing, jittered backoff, then reads the page', async () => {
    // Arrange
    textract
      .on(DetectDocumentTextCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'Provisioned rate exceeded', $metadata: {} }))
      .resolves(PAGE_WITH_TEXT);
    const ocr = engine();

    // Act
    const result = await ocr.recognise(IMAGE, LETTER);

    // Assert: half of 200 ms, then half of 400 ms
    expect(result.text).toContain('Maintenance Report');
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
    expect(ocr.pagesSent).toBe(1);
  });

  it('gives up after its last attempt with the throttling error', async () => {
    // Arrange
    textract.on(DetectDocumentTextCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    // Act
    const failure = await engine(3).recognise(IMAGE, LETTER).catch((error: unknown) => error);

    // Assert: out of reach for now, so the document is retried later rather than failed
    expect(failure).toBeInstanceOf(OcrUnavailable);
    expect(String(failure)).toMatch(/in 3 attempts: ThrottlingException: Rate exceeded/);
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('waits for its turn under the account quota before every attempt, retries included', async () => {
    // Arrange
    const events: string[] = [];
    textract.on(DetectDocumentTextCommand).callsFake(() => {
      events.push('send');
      if (events.filter((event) => event === 'send').length === 1) throw new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });
      return PAGE_WITH_TEXT;
    });
    const paced = new TextractEngine({
      client: new TextractClient({ region: 'eu-west-1', maxAttempts: 1 }),
      sleep: async () => undefined,
      pacer: { turn: async () => void events.push('turn') },
    });

    // Act
    await paced.recognise(IMAGE, LETTER);

    // Assert
    expect(events).toEqual(['turn', 'send', 'turn', 'send']);
  });

  it('does not retry an error that will not pass', async () => {
    // Arrange
    textract.on(DetectDocumentTextCommand).rejects(new InvalidParameterException({ message: 'Request has invalid parameters', $metadata: {} }));

    // Act
    const failure = await engine().recognise(IMAGE, LETTER).catch((error: unknown) => error);

    // Assert: the page cannot be read by Textract, whenever it is sent; it keeps needsOcr
    expect(failure).toBeInstanceOf(PageOcrRefused);
    expect(String(failure)).toMatch(/InvalidParameterException: Request has invalid parameters/);
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('refuses, before sending, a page whose PNG is over the 10 MB Textract takes as bytes', async () => {
    // Arrange: 12 MP of noise (xorshift), which PNG cannot compress
    let state = 2_463_534_242;
    const noise = new Uint8Array(4_000 * 3_000).map(() => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state & 0xff;
    });

    // Act & Assert
    const failure = await engine().recognise({ width: 4_000, height: 3_000, data: noise }, LETTER).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PageOcrRefused);
    expect(String(failure)).toMatch(/over Textract's 10 MB/);
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(0);
  });
});
