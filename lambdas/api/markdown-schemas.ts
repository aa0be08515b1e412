/** Query and response bodies of a document's Markdown and retrieval chunks, as zod schemas. */
import { z } from 'zod';

/** `GET /v1/documents/{id}/chunks`: a page of chunks, in order. */
export const ListChunksQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

const ChunkBox = z.strictObject({
  pageNumber: z.number().int().min(1),
  box: z
    .tuple([z.number(), z.number(), z.number(), z.number()])
    .describe('[left, top, right, bottom] in PDF points, origin at the top left of the page as displayed (as in PageLayout)'),
});

export const ChunkResponse = z
  .strictObject({
    id: z.string().regex(/^[0-9a-f]{32}$/).describe('Stable for the document and generation: the same text at the same place has the same id'),
    index: z.number().int().nonnegative().describe('Position in the document, from 0'),
    headingPath: z.array(z.string()).describe('The headings the chunk is under, outermost first'),
    pageNumbers: z.array(z.number().int().min(1)).describe('Every page the chunk draws on'),
    boxes: z.array(ChunkBox).describe("Where the chunk's blocks are on their pages"),
    tokenCount: z.number().int().nonnegative().describe("Tokens of `text`, with the environment's tokenizer; within its chunk budget"),
    text: z.string().describe('Markdown: a table\'s header rows repeated in every chunk its rows are in'),
  })
  .describe('A retrieval chunk of a document');

export const ChunkList = z
  .strictObject({
    chunks: z.array(ChunkResponse),
    chunkCount: z.number().int().nonnegative().describe('Chunks in the whole document'),
    nextCursor: z.string().optional().describe('Pass as `cursor` for the next chunks; absent on the last page'),
  })
  .describe("A document's retrieval chunks, in order");
