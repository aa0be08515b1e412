/**
 * Token counters for chunk budgets, from `gpt-tokenizer`, whose encodings ship inside the package
 * (nothing is fetched). An encoding's ranks take a second or so to load, so each is imported only
 * when first asked for, once per process.
 */
export type TokenizerName = 'o200k_base' | 'cl100k_base';
export type TokenCounter = (text: string) => number;

export const TOKENIZERS: readonly TokenizerName[] = ['o200k_base', 'cl100k_base'];

const loaded = new Map<TokenizerName, Promise<TokenCounter>>();

export function loadTokenCounter(name: TokenizerName = 'o200k_base'): Promise<TokenCounter> {
  let counter = loaded.get(name);
  if (counter === undefined) {
    counter =
      name === 'cl100k_base'
        ? import('gpt-tokenizer/encoding/cl100k_base').then((encoding) => (text: string) => encoding.countTokens(text))
        : import('gpt-tokenizer/encoding/o200k_base').then((encoding) => (text: string) => encoding.countTokens(text));
    loaded.set(name, counter);
  }
  return counter;
}
