/**
 * A document's Markdown on the page: the subset the pipeline writes (headings, paragraphs,
 * bulleted and numbered lists, GitHub-flavoured tables, `<!-- page N -->` comments) parsed into
 * plain nodes, then built as DOM elements whose text is only ever set with `textContent`. The
 * Markdown holds the document's own text, which anyone could have written, so nothing of it is
 * ever read as HTML.
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

function textElement<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, className?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

/** One element per node. A document's headings sit below the viewer's own (h2), from h3. */
export function renderMarkdown(nodes: readonly MarkdownNode[]): HTMLElement[] {
  return nodes.map((node) => {
    switch (node.kind) {
      case 'page':
        return textElement('p', `Page ${node.pageNumber}`, 'hint markdown-page');
      case 'heading':
        return textElement(`h${Math.min(6, node.level + 2)}` as 'h3', node.text);
      case 'paragraph':
        return textElement('p', node.text);
      case 'list': {
        const list = document.createElement(node.ordered ? 'ol' : 'ul');
        for (const item of node.items) {
          const entry = textElement('li', item.text);
          if (item.depth > 0) entry.className = `markdown-depth-${Math.min(3, item.depth)}`;
          list.append(entry);
        }
        return list;
      }
      case 'table': {
        const table = document.createElement('table');
        const head = document.createElement('thead');
        const headRow = document.createElement('tr');
        headRow.append(...node.header.map((cell) => textElement('th', cell)));
        head.append(headRow);
        const body = document.createElement('tbody');
        for (const row of node.rows) {
          const line = document.createElement('tr');
          line.append(...row.map((cell) => textElement('td', cell)));
          body.append(line);
        }
        table.append(head, body);
        const wrapper = document.createElement('div');
        wrapper.className = 'markdown-table';
        wrapper.tabIndex = 0; // a wide table scrolls sideways; the keyboard must reach it too
        wrapper.append(table);
        return wrapper;
      }
    }
  });
}

/** The viewer panel the Markdown is shown in, and how the page reports. */
export interface MarkdownViewer {
  readonly viewer: HTMLElement;
  readonly heading: HTMLElement;
  readonly status: HTMLElement;
  /** Where the rendered Markdown goes (the viewer's list: one item holds it). */
  readonly content: HTMLElement;
  readonly announce: (message: string) => void;
  readonly fail: (error: unknown, context: string) => void;
}

export function markdownButton(name: string, enabled: boolean, onClick: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button secondary';
  button.textContent = 'Show Markdown';
  button.setAttribute('aria-label', `Show ${name} as Markdown`);
  button.disabled = !enabled;
  button.addEventListener('click', onClick);
  return button;
}

export async function showMarkdown(documentId: string, name: string, load: (documentId: string) => Promise<string>, view: MarkdownViewer): Promise<void> {
  view.viewer.hidden = false;
  view.viewer.dataset.documentId = documentId;
  view.heading.textContent = `${name} as Markdown`;
  view.status.textContent = 'Loading Markdown…';
  view.content.replaceChildren();
  view.heading.focus();
  try {
    const nodes = parseMarkdown(await load(documentId));
    if (view.viewer.dataset.documentId !== documentId) return;
    const article = document.createElement('li');
    article.className = 'page markdown';
    article.append(...renderMarkdown(nodes));
    view.content.replaceChildren(article);
    const headings = nodes.filter((node) => node.kind === 'heading').length;
    view.status.textContent = `${headings} ${headings === 1 ? 'heading' : 'headings'}.`;
    view.announce(`Showing ${name} as Markdown.`);
  } catch (error) {
    view.status.textContent = '';
    view.fail(error, `The Markdown of ${name} could not be read`);
  }
}
