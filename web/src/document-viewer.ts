/**
 * The viewer panel: a document's extracted text page by page, or its tables as tables. One
 * document at a time; what arrives for a document no longer shown is dropped.
 */
import type { DocumentTable, PageView } from './api-client.js';
import type { PageContext } from './page-context.js';
import { tableGrid } from './table-grid.js';
import { showMarkdown } from './markdown-view.js';

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** Opens the viewer on a document, empty, with the heading focused. */
function openViewer({ ui }: PageContext, documentId: string, heading: string, status: string): void {
  ui.viewer.hidden = false;
  ui.viewer.dataset.documentId = documentId;
  ui.viewerHeading.textContent = heading;
  ui.viewerStatus.textContent = status;
  ui.pages.replaceChildren();
  ui.tables.replaceChildren();
  ui.viewerHeading.focus();
}

export function closeViewer({ ui }: PageContext, restoreFocus = true): void {
  const documentId = ui.viewer.dataset.documentId;
  ui.viewer.hidden = true;
  delete ui.viewer.dataset.documentId;
  ui.pages.replaceChildren();
  ui.tables.replaceChildren();
  if (restoreFocus && documentId) {
    ui.documents.querySelector<HTMLButtonElement>(`li[data-document-id="${CSS.escape(documentId)}"] button`)?.focus();
  }
}

export async function showText(context: PageContext, documentId: string, name: string): Promise<void> {
  const { api, ui } = context;
  openViewer(context, documentId, `Text of ${name}`, 'Loading pages…');
  try {
    const pages = await api.pages(documentId);
    if (ui.viewer.dataset.documentId !== documentId) return;
    ui.pages.replaceChildren(...pages.map(renderPage));
    ui.viewerStatus.textContent = `${plural(pages.length, 'page', 'pages')}.`;
    context.announce(`Showing ${plural(pages.length, 'page', 'pages')} of ${name}.`);
  } catch (error) {
    ui.viewerStatus.textContent = '';
    context.handleFailure(error, `The text of ${name} could not be read`);
  }
}

function renderPage(page: PageView & { text: string }): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'page';
  item.dataset.pageNumber = String(page.pageNumber);
  const heading = document.createElement('h3');
  heading.textContent = `Page ${page.pageNumber}`;
  item.append(heading);
  if (page.textSource === 'ocr') {
    item.append(hint(`Read by OCR from the page's image (confidence ${page.ocrConfidence ?? 'unknown'} of 100).`));
  } else if (page.needsOcr) {
    item.append(hint('Little or no text on this page: it is probably an image.'));
  }
  const text = document.createElement('pre');
  text.className = 'page-text';
  text.textContent = page.text;
  text.tabIndex = 0; // long lines scroll sideways; the keyboard must reach them too
  text.setAttribute('aria-label', `Text of page ${page.pageNumber}`);
  item.append(text);
  return item;
}

/** The document as Markdown (`GET /v1/documents/{id}/markdown`), rendered with text nodes only. */
export async function showDocumentMarkdown(context: PageContext, documentId: string, name: string): Promise<void> {
  const { api, ui } = context;
  ui.tables.replaceChildren();
  await showMarkdown(documentId, name, (id) => api.getMarkdown(id), {
    viewer: ui.viewer,
    heading: ui.viewerHeading,
    status: ui.viewerStatus,
    content: ui.pages,
    announce: (message) => context.announce(message),
    fail: (error, failure) => context.handleFailure(error, failure),
  });
}

/** The document's tables (`GET /v1/documents/{id}/tables`), each a `<table>`, joined across page breaks. */
export async function showTables(context: PageContext, documentId: string, name: string): Promise<void> {
  const { api, ui } = context;
  openViewer(context, documentId, `Tables of ${name}`, 'Loading tables…');
  try {
    const { tables } = await api.listTables(documentId);
    if (ui.viewer.dataset.documentId !== documentId) return;
    ui.tables.replaceChildren(...tables.map(renderTable));
    ui.viewerStatus.textContent = tables.length === 0 ? 'No tables were found in this document.' : `${plural(tables.length, 'table', 'tables')}.`;
    context.announce(`Showing ${plural(tables.length, 'table', 'tables')} of ${name}.`);
  } catch (error) {
    ui.viewerStatus.textContent = '';
    context.handleFailure(error, `The tables of ${name} could not be read`);
  }
}

/** Text goes in as text, never as markup: a cell reading `<b>` shows `<b>`. */
function renderTable(table: DocumentTable): HTMLElement {
  const grid = tableGrid(table);
  const figure = document.createElement('div');
  figure.className = 'table-scroll';
  figure.tabIndex = 0; // wide tables scroll sideways; the keyboard must reach them too
  figure.dataset.tableIndex = String(table.index);
  const element = document.createElement('table');
  element.className = 'document-table';
  const caption = document.createElement('caption');
  caption.textContent = grid.caption;
  element.append(caption);
  const head = document.createElement('thead');
  const body = document.createElement('tbody');
  grid.rows.forEach((cells, index) => {
    const row = document.createElement('tr');
    for (const cell of cells) {
      const drawn = document.createElement(cell.header ? 'th' : 'td');
      if (cell.header) drawn.setAttribute('scope', 'col');
      if (cell.rowSpan > 1) drawn.rowSpan = cell.rowSpan;
      if (cell.colSpan > 1) drawn.colSpan = cell.colSpan;
      drawn.textContent = cell.text;
      row.append(drawn);
    }
    (index < grid.headerRows ? head : body).append(row);
  });
  if (head.childElementCount > 0) element.append(head);
  element.append(body);
  figure.setAttribute('role', 'region');
  figure.setAttribute('aria-label', grid.caption);
  figure.append(element);
  return figure;
}

function hint(text: string): HTMLParagraphElement {
  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent = text;
  return note;
}
