/**
 * The web uploader: sign in, upload PDFs with progress, follow each document to its terminal
 * status, list documents, read their text page by page, delete them. The DOM glue lives here;
 * decisions are in `uploads.ts`, the API in `api-client.ts`, sign-in in `session.ts`.
 */
import { ApiClient, ApiFailure, type DocumentSummary, type Page } from './api-client.js';
import { PAGE_CONFIG_FILE, parsePageConfig, type PageConfig } from './page-config.js';
import { cognitoLogoutUrl, completeCognitoSignIn, currentSession, endSession, signInLocally, startCognitoSignIn, type Session } from './session.js';
import { progressElements } from './progress-view.js';
import { formatBytes, isTerminal, planUpload, pollDelayMs, progressPercent, type UploadRoute } from './uploads.js';
import { webhookRow } from './webhooks.js';
import { markdownButton, showMarkdown, type MarkdownViewer } from './markdown-view.js';

/** Uploads at once: enough to keep a connection busy, few enough that each shows progress. */
const PARALLEL_UPLOADS = 3;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found as T;
}

const ui = {
  loading: element('loading'),
  notice: element('notice'),
  announcer: element('announcer'),
  account: element('account'),
  signedInAs: element('signed-in-as'),
  signOut: element<HTMLButtonElement>('sign-out'),
  signIn: element('sign-in'),
  localSignIn: element<HTMLFormElement>('local-sign-in'),
  userId: element<HTMLInputElement>('user-id'),
  cognitoSignIn: element('cognito-sign-in'),
  cognitoButton: element<HTMLButtonElement>('cognito-button'),
  workspace: element('workspace'),
  dropZone: element('drop-zone'),
  chooseFiles: element<HTMLButtonElement>('choose-files'),
  fileInput: element<HTMLInputElement>('file-input'),
  uploadLimits: element('upload-limits'),
  uploads: element<HTMLUListElement>('uploads'),
  refresh: element<HTMLButtonElement>('refresh'),
  documents: element<HTMLUListElement>('documents'),
  documentsEmpty: element('documents-empty'),
  loadMore: element<HTMLButtonElement>('load-more'),
  webhooks: element<HTMLUListElement>('webhooks'),
  webhooksEmpty: element('webhooks-empty'),
  viewer: element('viewer'),
  viewerHeading: element('viewer-heading'),
  viewerStatus: element('viewer-status'),
  closeViewer: element<HTMLButtonElement>('close-viewer'),
  pages: element<HTMLOListElement>('pages'),
};

let config: PageConfig;
let session: Session | undefined;
let api: ApiClient;
/** Bumped on sign-out, so polls started for the previous user stop. */
let generation = 0;
let nextCursor: string | undefined;
const documents = new Map<string, DocumentSummary>();
/** Documents being polled, with whoever wants to hear of their changes (an upload's row). */
const watched = new Map<string, Array<(status: StatusView) => void>>();

/** Read out by screen readers (a polite live region); repeated messages are still announced. */
function announce(message: string): void {
  ui.announcer.textContent = '';
  window.setTimeout(() => (ui.announcer.textContent = message), 50);
}

function showNotice(message: string | undefined): void {
  ui.notice.textContent = message ?? '';
  ui.notice.hidden = message === undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An expired or revoked token ends the session; other failures are shown as they are. */
function handleFailure(error: unknown, context: string): void {
  if (error instanceof ApiFailure && error.unauthorized) {
    endSession();
    session = undefined;
    showSignedOut();
    showNotice('Your session has ended: sign in again.');
    return;
  }
  showNotice(`${context}: ${messageOf(error)}`);
}

const sleep = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

function showSignedOut(): void {
  generation += 1;
  ui.workspace.hidden = true;
  ui.account.hidden = true;
  ui.signIn.hidden = false;
  ui.localSignIn.hidden = config.auth.mode !== 'local';
  ui.cognitoSignIn.hidden = config.auth.mode !== 'cognito';
}

function showSignedIn(active: Session): void {
  session = active;
  ui.signIn.hidden = true;
  ui.account.hidden = false;
  ui.signedInAs.textContent = active.userLabel;
  ui.workspace.hidden = false;
  ui.uploads.replaceChildren();
  closeViewer(false);
  void loadDocuments();
  void loadWebhooks();
}

/** The user's webhooks, read-only: where they go, what they carry, and why one was disabled. */
async function loadWebhooks(): Promise<void> {
  try {
    const { webhooks } = await api.listWebhooks();
    ui.webhooks.replaceChildren(
      ...webhooks.map((webhook) => {
        const row = webhookRow(webhook);
        const item = document.createElement('li');
        const title = document.createElement('strong');
        title.textContent = row.title;
        const detail = document.createElement('span');
        detail.className = 'hint';
        detail.textContent = ` ${row.detail}`;
        item.append(title, detail);
        if (row.warning) {
          const warning = document.createElement('p');
          warning.className = 'webhook-warning';
          warning.textContent = row.warning;
          item.append(warning);
        }
        return item;
      }),
    );
    ui.webhooksEmpty.hidden = webhooks.length > 0;
  } catch (error) {
    handleFailure(error, 'Your webhooks could not be listed');
  }
}

async function onLocalSignIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (config.auth.mode !== 'local') return;
  const userId = ui.userId.value.trim();
  if (!ui.userId.checkValidity() || userId === '') {
    ui.userId.setAttribute('aria-invalid', 'true');
    showNotice('Enter a user id: letters, digits and . _ @ + = : - (up to 128).');
    ui.userId.focus();
    return;
  }
  ui.userId.removeAttribute('aria-invalid');
  try {
    const active = await signInLocally(config.auth, userId);
    showNotice(undefined);
    showSignedIn(active);
    announce(`Signed in as ${userId}.`);
    ui.chooseFiles.focus();
  } catch (error) {
    showNotice(messageOf(error));
  }
}

function onSignOut(): void {
  endSession();
  session = undefined;
  documents.clear();
  watched.clear();
  if (config.auth.mode === 'cognito') {
    window.location.assign(cognitoLogoutUrl(config.auth));
    return;
  }
  showSignedOut();
  announce('Signed out.');
  ui.userId.focus();
}

// ---------------------------------------------------------------------------------------------
// Uploads
// ---------------------------------------------------------------------------------------------

interface UploadItem {
  route(route: UploadRoute): void;
  progress(percent: number): void;
  state(text: string, tone?: 'ok' | 'error'): void;
  document(documentId: string): void;
}

function uploadItem(file: File): UploadItem {
  const item = document.createElement('li');
  item.className = 'upload';
  const name = document.createElement('span');
  name.className = 'upload-name';
  name.textContent = file.name;
  const size = document.createElement('span');
  size.className = 'hint';
  size.textContent = formatBytes(file.size);
  const bar = document.createElement('progress');
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute('aria-label', `Upload of ${file.name}`);
  const state = document.createElement('span');
  state.className = 'upload-state';
  state.textContent = 'Waiting…';
  item.append(name, size, bar, state);
  ui.uploads.prepend(item);
  return {
    route: (route) => {
      item.dataset.route = route;
      size.textContent = `${formatBytes(file.size)} · ${route === 'direct' ? 'direct upload' : 'presigned POST'}`;
    },
    progress: (percent) => {
      bar.value = percent;
      state.textContent = `Uploading… ${percent}%`;
    },
    state: (text, tone) => {
      state.textContent = text;
      state.dataset.tone = tone ?? '';
    },
    document: (documentId) => {
      item.dataset.documentId = documentId;
    },
  };
}

async function upload(file: File, item: UploadItem): Promise<void> {
  const plan = planUpload(file, config);
  if ('refused' in plan) {
    item.state(plan.refused, 'error');
    announce(`${file.name}: ${plan.refused}`);
    return;
  }
  item.route(plan.route);
  const onProgress = (loaded: number, total: number) => item.progress(progressPercent(loaded, total));
  try {
    const documentId = await send(file, plan.route, item, onProgress);
    item.progress(100);
    item.state('Uploaded; waiting for extraction…');
    announce(`${file.name} uploaded; extracting.`);
    await loadDocuments();
    void watch(documentId, (status) => item.state(status.label, status.tone));
  } catch (error) {
    if (error instanceof ApiFailure && error.unauthorized) return handleFailure(error, file.name);
    item.state(messageOf(error), 'error');
    announce(`${file.name} was not uploaded: ${messageOf(error)}`);
  }
}

async function send(file: File, route: UploadRoute, item: UploadItem, onProgress: (loaded: number, total: number) => void): Promise<string> {
  if (route === 'direct') {
    const { documentId } = await api.uploadDirect(file, onProgress);
    item.document(documentId);
    return documentId;
  }
  const created = await api.createUpload(file);
  item.document(created.documentId);
  await api.postForm(created.upload, file, onProgress);
  return created.documentId;
}

/** Runs the uploads a few at a time, in the order chosen. */
async function uploadAll(files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  showNotice(undefined);
  announce(`Uploading ${files.length} ${files.length === 1 ? 'file' : 'files'}.`);
  const queue = files.map((file) => ({ file, item: uploadItem(file) }));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await upload(next.file, next.item);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, worker));
}

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

interface StatusView {
  readonly label: string;
  readonly tone?: 'ok' | 'error';
}

function statusView(doc: DocumentSummary): StatusView {
  if (doc.status === 'COMPLETED') {
    const pages = doc.pageCount === undefined ? '' : `, ${doc.pageCount} ${doc.pageCount === 1 ? 'page' : 'pages'}`;
    return { label: `COMPLETED${pages}`, tone: 'ok' };
  }
  if (doc.status === 'FAILED') return { label: `FAILED: ${doc.error?.message ?? 'extraction failed'} (${doc.error?.code ?? 'FAILED'})`, tone: 'error' };
  return { label: doc.status };
}

/** Follows a document until it is COMPLETED or FAILED, checking less often the longer it takes. */
async function watch(documentId: string, onChange?: (status: StatusView) => void): Promise<void> {
  const listeners = watched.get(documentId);
  if (listeners) {
    if (onChange) listeners.push(onChange);
    return;
  }
  watched.set(documentId, onChange ? [onChange] : []);
  const started = generation;
  let last: string | undefined;
  try {
    for (let attempt = 0; started === generation; attempt += 1) {
      await sleep(pollDelayMs(attempt));
      if (started !== generation) return;
      let doc: DocumentSummary;
      try {
        doc = await api.getDocument(documentId);
      } catch (error) {
        if (error instanceof ApiFailure && error.status === 404) return removeDocument(documentId);
        if (error instanceof ApiFailure && error.unauthorized) return handleFailure(error, 'Checking a document');
        continue; // a transient failure: the next check may succeed
      }
      documents.set(documentId, doc);
      renderDocument(doc);
      const view = statusView(doc);
      for (const listener of watched.get(documentId) ?? []) listener(view);
      if (doc.status !== last) {
        last = doc.status;
        if (isTerminal(doc.status)) announce(`${doc.filename ?? 'Document'}: ${view.label}.`);
      }
      if (isTerminal(doc.status)) return;
    }
  } finally {
    watched.delete(documentId);
  }
}

async function loadDocuments(more = false): Promise<void> {
  try {
    const list = await api.listDocuments(more ? nextCursor : undefined);
    if (!more) {
      documents.clear();
      ui.documents.replaceChildren();
    }
    for (const doc of list.documents) {
      documents.set(doc.documentId, doc);
      renderDocument(doc);
      if (!isTerminal(doc.status)) void watch(doc.documentId);
    }
    nextCursor = list.nextCursor;
    ui.loadMore.hidden = nextCursor === undefined;
    ui.documentsEmpty.hidden = documents.size > 0;
  } catch (error) {
    handleFailure(error, 'Your documents could not be listed');
  }
}

function renderDocument(doc: DocumentSummary): void {
  const name = doc.filename ?? doc.documentId;
  let row = ui.documents.querySelector<HTMLLIElement>(`li[data-document-id="${CSS.escape(doc.documentId)}"]`);
  if (!row) {
    row = document.createElement('li');
    row.className = 'document';
    row.dataset.documentId = doc.documentId;
    // Newest first, as the API lists them: a new upload goes on top.
    if (Date.parse(doc.createdAt) >= newestShown()) ui.documents.prepend(row);
    else ui.documents.append(row);
  }
  const title = document.createElement('span');
  title.className = 'document-name';
  title.textContent = name;
  const status = document.createElement('span');
  status.className = 'status';
  status.dataset.status = doc.status;
  const view = statusView(doc);
  status.textContent = view.label;
  const details = document.createElement('span');
  details.className = 'hint';
  details.textContent = [doc.size === undefined ? undefined : formatBytes(doc.size), new Date(doc.createdAt).toLocaleString()]
    .filter(Boolean)
    .join(' · ');

  const actions = document.createElement('span');
  actions.className = 'actions';
  const show = document.createElement('button');
  show.type = 'button';
  show.className = 'button secondary';
  show.textContent = 'Show text';
  show.setAttribute('aria-label', `Show text of ${name}`);
  show.disabled = doc.status !== 'COMPLETED';
  show.addEventListener('click', () => void showText(doc.documentId));
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'button danger';
  remove.textContent = 'Delete';
  remove.setAttribute('aria-label', `Delete ${name}`);
  remove.addEventListener('click', () => void deleteDocument(doc.documentId));
  const markdown = markdownButton(name, doc.status === 'COMPLETED', () => void showMarkdown(doc.documentId, name, (id) => api.markdown(id), markdownViewer()));
  actions.append(show, markdown, remove);

  row.replaceChildren(title, status, ...progressElements(doc), details, actions);
  ui.documentsEmpty.hidden = true;
}

function newestShown(): number {
  const first = ui.documents.firstElementChild as HTMLElement | null;
  const doc = first?.dataset.documentId ? documents.get(first.dataset.documentId) : undefined;
  return doc ? Date.parse(doc.createdAt) : 0;
}

function removeDocument(documentId: string): void {
  documents.delete(documentId);
  ui.documents.querySelector(`li[data-document-id="${CSS.escape(documentId)}"]`)?.remove();
  ui.documentsEmpty.hidden = documents.size > 0;
  if (ui.viewer.dataset.documentId === documentId) closeViewer(false);
}

async function deleteDocument(documentId: string): Promise<void> {
  const name = documents.get(documentId)?.filename ?? documentId;
  if (!window.confirm(`Delete ${name}? Its text and original are removed for good.`)) return;
  try {
    await api.deleteDocument(documentId);
    removeDocument(documentId);
    announce(`${name} deleted.`);
    ui.refresh.focus();
  } catch (error) {
    handleFailure(error, `${name} could not be deleted`);
  }
}

// ---------------------------------------------------------------------------------------------
// Extracted text
// ---------------------------------------------------------------------------------------------

async function showText(documentId: string): Promise<void> {
  const name = documents.get(documentId)?.filename ?? documentId;
  ui.viewer.hidden = false;
  ui.viewer.dataset.documentId = documentId;
  ui.viewerHeading.textContent = `Text of ${name}`;
  ui.viewerStatus.textContent = 'Loading pages…';
  ui.pages.replaceChildren();
  ui.viewerHeading.focus();
  try {
    const pages = await api.pages(documentId);
    if (ui.viewer.dataset.documentId !== documentId) return;
    ui.pages.replaceChildren(...pages.map(renderPage));
    ui.viewerStatus.textContent = `${pages.length} ${pages.length === 1 ? 'page' : 'pages'}.`;
    announce(`Showing ${pages.length} ${pages.length === 1 ? 'page' : 'pages'} of ${name}.`);
  } catch (error) {
    ui.viewerStatus.textContent = '';
    handleFailure(error, `The text of ${name} could not be read`);
  }
}

function renderPage(page: Page): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'page';
  item.dataset.pageNumber = String(page.pageNumber);
  const heading = document.createElement('h3');
  heading.textContent = `Page ${page.pageNumber}`;
  item.append(heading);
  if (page.textSource === 'ocr') {
    const note = document.createElement('p');
    note.className = 'hint';
    note.textContent = `Read by OCR from the page's image (confidence ${page.ocrConfidence ?? 'unknown'} of 100).`;
    item.append(note);
  } else if (page.needsOcr) {
    const note = document.createElement('p');
    note.className = 'hint';
    note.textContent = 'Little or no text on this page: it is probably an image.';
    item.append(note);
  }
  const text = document.createElement('pre');
  text.className = 'page-text';
  text.textContent = page.text;
  text.tabIndex = 0; // long lines scroll sideways; the keyboard must reach them too
  text.setAttribute('aria-label', `Text of page ${page.pageNumber}`);
  item.append(text);
  return item;
}

const markdownViewer = (): MarkdownViewer => ({
  viewer: ui.viewer, heading: ui.viewerHeading, status: ui.viewerStatus, content: ui.pages, announce, fail: handleFailure,
});

function closeViewer(restoreFocus = true): void {
  const documentId = ui.viewer.dataset.documentId;
  ui.viewer.hidden = true;
  delete ui.viewer.dataset.documentId;
  ui.pages.replaceChildren();
  if (restoreFocus && documentId) {
    ui.documents.querySelector<HTMLButtonElement>(`li[data-document-id="${CSS.escape(documentId)}"] button`)?.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function wireEvents(): void {
  ui.localSignIn.addEventListener('submit', (event) => void onLocalSignIn(event));
  ui.cognitoButton.addEventListener('click', () => {
    if (config.auth.mode === 'cognito') void startCognitoSignIn(config.auth);
  });
  ui.signOut.addEventListener('click', onSignOut);
  ui.chooseFiles.addEventListener('click', () => ui.fileInput.click());
  ui.fileInput.addEventListener('change', () => {
    const files = [...(ui.fileInput.files ?? [])];
    ui.fileInput.value = ''; // choosing the same file again still fires `change`
    void uploadAll(files);
  });
  ui.dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    ui.dropZone.classList.add('dragging');
  });
  ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
  ui.dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.dropZone.classList.remove('dragging');
    void uploadAll([...(event.dataTransfer?.files ?? [])]);
  });
  // A file dropped beside the zone would otherwise replace the page with the PDF.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
  ui.refresh.addEventListener('click', () => void loadDocuments());
  ui.loadMore.addEventListener('click', () => void loadDocuments(true));
  ui.closeViewer.addEventListener('click', () => closeViewer());
}

async function start(): Promise<void> {
  try {
    const response = await fetch(`/${PAGE_CONFIG_FILE}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${PAGE_CONFIG_FILE} answered ${response.status}`);
    config = parsePageConfig(await response.json());
  } catch (error) {
    ui.loading.hidden = true;
    showNotice(`The page could not read its settings: ${messageOf(error)}.`);
    return;
  }
  api = new ApiClient(config.apiUrl, () => session?.accessToken);
  ui.uploadLimits.textContent = `PDF files up to ${formatBytes(config.maxUploadBytes)} each, several at once.`;
  wireEvents();
  ui.loading.hidden = true;

  let active = currentSession();
  if (config.auth.mode === 'cognito') {
    try {
      active = (await completeCognitoSignIn(config.auth, new URL(window.location.href))) ?? active;
    } catch (error) {
      showNotice(messageOf(error));
    }
  }
  if (active) showSignedIn(active);
  else showSignedOut();
}

void start();
