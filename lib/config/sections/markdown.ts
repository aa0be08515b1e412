/** `markdown`: Markdown and retrieval chunks of every completed document (lambdas/extract/document-markdown.ts). */
import { z } from 'zod';
import { TOKENIZERS } from '../../../lambdas/extract/markdown/tokenizer.js';
import { atLeast, oneOf } from '../rules.js';


export const markdownSchema = z
  .strictObject({
    enabled: z.boolean().describe('completed documents get Markdown and chunks (off: `GET …/markdown` answers 404 MARKDOWN_NOT_AVAILABLE)'),
    chunkMaxTokens: atLeast(16).describe('most tokens in a chunk, counted with `tokenizer`'),
    chunkOverlapTokens: z
      .number()
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be 0 or more' })
      .describe("tokens of a chunk's end repeated at the start of the next in the same section"),
    // cl100k_base is the common embedding models' encoding, and half o200k_base's size in the bundle.
    tokenizer: oneOf(TOKENIZERS).describe('the `gpt-tokenizer` encoding chunks are counted with: o200k_base (GPT-4o and later) or cl100k_base (GPT-4, most embedding models)'),
  })
  .refine((markdown) => markdown.chunkOverlapTokens < markdown.chunkMaxTokens / 2, {
    error: 'chunkOverlapTokens must be below half of chunkMaxTokens',
    path: ['chunkOverlapTokens'],
  });
export type MarkdownConfig = z.infer<typeof markdownSchema>;
