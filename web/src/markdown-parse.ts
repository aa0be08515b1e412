/**
 * A document's Markdown as the page shows it: the subset the pipeline writes (headings,
 * paragraphs, bulleted and numbered lists, GitHub-flavoured tables, `<!-- page N -->` comments)
 * parsed into plain nodes, with no DOM, so it is specified without a browser. `markdown-view.ts`
 * builds the elements.
 */

export type MarkdownNode =
  | { readonly kind: 'heading'; readonly level: number; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly { readonly depth: number; readonly text: string }[] }
  | { readonly kind: 'table'; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'page'; readonly pageNumber: number };

const HEADING = /^(#{1,6}) (.*)$/;
const LIST_ITEM = /^( *)(?:([-*+])|(\d{1,9})[.)]) (.*)$/;
const PAGE_COMMENT = /^<!-- page (\d+) -->$/;
const TABLE_RULE = /^\|(?:\s*:?-+:?\s*\|)+$/;

/** Drops the backslashes the writer puts before characters Markdown would otherwise read. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_{}[\]()#+\-.!<>|])/g, '$1');
}

/** The cells of a table row: split at pipes that are not escaped. */
export function tableCells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => unescapeMarkdown(cell.trim()));
}

/** Blocks are separated by blank lines, as the writer separates them. */
export function parseMarkdown(markdown: string): MarkdownNode[] {
  const nodes: MarkdownNode[] = [];
  for (const block of markdown.split(/\n{2,}/)) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0) continue;
    const first = lines[0]!;
    const page = PAGE_COMMENT.exec(first.trim());
    const heading = HEADING.exec(first);
    if (page && lines.length === 1) {
      nodes.push({ kind: 'page', pageNumber: Number(page[1]) });
    } else if (heading && lines.length === 1) {
      nodes.push({ kind: 'heading', level: heading[1]!.length, text: unescapeMarkdown(heading[2]!) });
    } else if (lines.length >= 2 && first.trim().startsWith('|') && TABLE_RULE.test(lines[1]!.trim())) {
      nodes.push({ kind: 'table', header: tableCells(first), rows: lines.slice(2).map(tableCells) });
    } else if (lines.every((line) => LIST_ITEM.test(line))) {
      const items = lines.map((line) => {
        const [, indent, , , text] = LIST_ITEM.exec(line)!;
        return { depth: Math.floor(indent!.length / 2), text: unescapeMarkdown(text!) };
      });
      nodes.push({ kind: 'list', ordered: LIST_ITEM.exec(first)![3] !== undefined, items });
    } else {
      nodes.push({ kind: 'paragraph', text: unescapeMarkdown(lines.join(' ')) });
    }
  }
  return nodes;
}
