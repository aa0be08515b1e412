/** The cl100k_base encoding as a module of its own, shipped beside the extractor's bundle (see tokenizer.ts). */
export { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';
