/**
 * The user's documents: listed newest first, each followed to COMPLETED or FAILED with live
 * status, and the actions on one (show its text, tables or Markdown, delete it).
 */
import { ApiRequestError, type DocumentSummary } from './api-client.js';
import { closeViewer, showDocumentMarkdown, showTables, showText } from './document-viewer.js';
import { markdownButton } from './markdown-view.js';
import { button, type PageContext } from './page-context.js';
import { progressElements } from './progress-view.js';
import { formatBytes, isTerminal, pollDelayMs } from './uploads.js';

export interface StatusView {
  readonly label: string;
  readonly tone?: 'ok' | 'error';
}

export function statusView(doc: DocumentSummary): StatusView {
  if (doc.status === 'COMPLETED') {
    const pages = doc.pageCount === undefined ? '' : `, ${doc.pageCount} ${doc.pageCount === 1 ? 'page' : 'pages'}`;
    return { label: `COMPLETED${pages}`, tone: 'ok' };
  }
  if (doc.status === 'FAILED') return { label: `FAILED: ${doc.error?.message ?? 'extraction failed'} (${doc.error?.code ?? 'FAILED'})`, tone: 'error' };
  return { label: doc.status };
}

const sleep = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

export class DocumentList {
  private readonly documents = new Map<string, DocumentSummary>();
  /** Documents being polled, with whoever wants to hear of their changes (an upload's row). */
  private readonly watched = new Map<string, Array<(status: StatusView) => void>>();
  private nextCursor: string | undefined;

  constructor(private readonly context: PageContext) {}

  clear(): void {
    this.documents.clear();
    this.watched.clear();
  }

  async load(more = false): Promise<void> {
    const { api, ui } = this.context;
    try {
      const list = await api.documentsPage(more ? this.nextCursor : undefined);
      if (!more) {
        this.documents.clear();
        ui.documents.replaceChildren();
      }
      for (const doc of list.documents) {
        this.documents.set(doc.documentId, doc);
        this.render(doc);
        if (!isTerminal(doc.status)) void this.watch(doc.documentId);
      }
      this.nextCursor = list.nextCursor;
      ui.loadMore.hidden = this.nextCursor === undefined;
      ui.documentsEmpty.hidden = this.documents.size > 0;
    } catch (error) {
      this.context.handleFailure(error, 'Your documents could not be listed');
    }
  }

  /** Follows a document until it is COMPLETED or FAILED, checking less often the longer it takes. */
  async watch(documentId: string, onChange?: (status: StatusView) => void): Promise<void> {
    const listeners = this.watched.get(documentId);
    if (listeners) {
      if (onChange) listeners.push(onChange);
      return;
    }
    this.watched.set(documentId, onChange ? [onChange] : []);
    const started = this.context.generation();
    let last: string | undefined;
    try {
      for (let attempt = 0; started === this.context.generation(); attempt += 1) {
        await sleep(pollDelayMs(attempt));
        if (started !== this.context.generation()) return;
        let doc: DocumentSummary;
        try {
          doc = await this.context.api.getDocument(documentId);
        } catch (error) {
          if (error instanceof ApiRequestError && error.status === 404) return this.remove(documentId);
          if (error instanceof ApiRequestError && error.unauthorized) return this.context.handleFailure(error, 'Checking a document');
          continue; // a transient failure: the next check may succeed
        }
        this.documents.set(documentId, doc);
        this.render(doc);
        const view = statusView(doc);
        for (const listener of this.watched.get(documentId) ?? []) listener(view);
        if (doc.status !== last) {
          last = doc.status;
          if (isTerminal(doc.status)) this.context.announce(`${doc.filename ?? 'Document'}: ${view.label}.`);
        }
        if (isTerminal(doc.status)) return;
      }
    } finally {
      this.watched.delete(documentId);
    }
  }

  private render(doc: DocumentSummary): void {
    const { ui } = this.context;
    const name = doc.filename ?? doc.documentId;
    let row = ui.documents.querySelector<HTMLLIElement>(`li[data-document-id="${CSS.escape(doc.documentId)}"]`);
    if (!row) {
      row = document.createElement('li');
      row.className = 'document';
      row.dataset.documentId = doc.documentId;
      // Newest first, as the API lists them: a new upload goes on top.
      if (Date.parse(doc.createdAt) >= this.newestShown()) ui.documents.prepend(row);
      else ui.documents.append(row);
    }
    const title = document.createElement('span');
    title.className = 'document-name';
    title.textContent = name;
    const status = document.createElement('span');
    status.className = 'status';
    status.dataset.status = doc.status;
    status.textContent = statusView(doc).label;
    const details = document.createElement('span');
    details.className = 'hint';
    details.textContent = [doc.size === undefined ? undefined : formatBytes(doc.size), new Date(doc.createdAt).toLocaleString()]
      .filter(Boolean)
      .join(' · ');

    const actions = document.createElement('span');
    actions.className = 'actions';
    const completed = doc.status === 'COMPLETED';
    const show = button('Show text', 'button secondary', () => void showText(this.context, doc.documentId, name), `Show text of ${name}`);
    const tables = button('Show tables', 'button secondary', () => void showTables(this.context, doc.documentId, name), `Show tables of ${name}`);
    show.disabled = tables.disabled = !completed;
    const markdown = markdownButton(name, completed, () => void showDocumentMarkdown(this.context, doc.documentId, name));
    const remove = button('Delete', 'button danger', () => void this.delete(doc.documentId), `Delete ${name}`);
    actions.append(show, tables, markdown, remove);

    row.replaceChildren(title, status, ...progressElements(doc), details, actions);
    ui.documentsEmpty.hidden = true;
  }

  private newestShown(): number {
    const first = this.context.ui.documents.firstElementChild as HTMLElement | null;
    const doc = first?.dataset.documentId ? this.documents.get(first.dataset.documentId) : undefined;
    return doc ? Date.parse(doc.createdAt) : 0;
  }

  private remove(documentId: string): void {
    const { ui } = this.context;
    this.documents.delete(documentId);
    ui.documents.querySelector(`li[data-document-id="${CSS.escape(documentId)}"]`)?.remove();
    ui.documentsEmpty.hidden = this.documents.size > 0;
    if (ui.viewer.dataset.documentId === documentId) closeViewer(this.context, false);
  }

  private async delete(documentId: string): Promise<void> {
    const name = this.documents.get(documentId)?.filename ?? documentId;
    if (!window.confirm(`Delete ${name}? Its text and original are removed for good.`)) return;
    try {
      await this.context.api.deleteDocument(documentId);
      this.remove(documentId);
      this.context.announce(`${name} deleted.`);
      this.context.ui.refresh.focus();
    } catch (error) {
      this.context.handleFailure(error, `${name} could not be deleted`);
    }
  }
}
