/**
 * A document's Markdown on the page: the nodes `markdown-parse.ts` reads built as DOM elements
 * whose text is only ever set with `textContent`. The Markdown holds the document's own text,
 * which anyone could have written, so nothing of it is ever read as HTML.
 */
import { parseMarkdown, type MarkdownNode } from './markdown-parse.js';

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
