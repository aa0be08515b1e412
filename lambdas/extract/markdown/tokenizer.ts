/**
 * Token counters for chunk budgets, from `gpt-tokenizer`, whose encodings ship inside the package
 * (nothing is fetched). An encoding's ranks take a second or so to load, so each is imported only
 * when first asked for, once per process. In the extractor's bundle, the configured encoding is a
 * module of its own beside `index.mjs` (`tokenizer-<name>.mjs`, from `encodings/`), without a
 * source map: its ranks are megabytes of data, and only the configured one ships.
 *
 * Counting is most of the chunker's time, and the same words come back in every sentence and
 * chunk. Both encodings cut text into pieces before merging bytes, and no piece ever holds a
 * non-space character followed by a space: so a text's count is the sum of the counts of its
 * pieces cut before each space that follows a non-space, and each such word is counted once and
 * remembered. Text that looks like a special token (`<|endoftext|>`) is counted as the plain text
 * it is in a document.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type TokenizerName = 'o200k_base' | 'cl100k_base';
export type TokenCounter = (text: string) => number;

export const TOKENIZERS: readonly TokenizerName[] = ['o200k_base', 'cl100k_base'];

/** Words remembered per encoding; past this the memory starts afresh (a warm function reads many documents). */
const REMEMBERED_WORDS = 200_000;
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const loaded = new Map<TokenizerName, Promise<TokenCounter>>();

type Encoding = { readonly countTokens: (text: string, options: typeof AS_PLAIN_TEXT) => number };

/** The encoding's module: beside the bundle when it ships there, else from the package. */
async function importEncoding(name: TokenizerName): Promise<Encoding> {
  const beside = new URL(`./tokenizer-${name}.mjs`, import.meta.url);
  if (beside.protocol === 'file:' && existsSync(fileURLToPath(beside))) return (await import(beside.href)) as Encoding;
  return name === 'cl100k_base' ? import('gpt-tokenizer/encoding/cl100k_base') : import('gpt-tokenizer/encoding/o200k_base');
}

export function loadTokenCounter(name: TokenizerName = 'cl100k_base'): Promise<TokenCounter> {
  let counter = loaded.get(name);
  if (counter === undefined) {
    counter = importEncoding(name).then((encoding) => wordByWord((text) => encoding.countTokens(text, AS_PLAIN_TEXT)));
    loaded.set(name, counter);
  }
  return counter;
}

/** The count of a text as the sum of its words' counts, each word counted once. */
export function wordByWord(count: TokenCounter): TokenCounter {
  const words = new Map<string, number>();
  const countWord = (word: string) => {
    let tokens = words.get(word);
    if (tokens === undefined) {
      tokens = count(word);
      if (words.size >= REMEMBERED_WORDS) words.clear();
      words.set(word, tokens);
    }
    return tokens;
  };
  return (text) => {
    // Cut before each space that follows a non-space (a scan: a regular expression costs more here).
    let total = 0;
    let start = 0;
    for (let index = 1; index < text.length; index += 1) {
      if (text.charCodeAt(index) === SPACE && !isSpace(text.charCodeAt(index - 1))) {
        total += countWord(text.slice(start, index));
        start = index;
      }
    }
    return text.length === 0 ? count(text) : total + countWord(text.slice(start));
  };
}

const SPACE = 0x20;
/** `\s` for the characters text holds: a piece never starts after one of them. */
const isSpace = (code: number) => code === SPACE || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
