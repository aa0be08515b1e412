/**
 * The web uploader: sign in, upload PDFs with progress, follow each document to its terminal
 * status, list documents, read their text page by page or their tables, delete them. This file
 * composes the page: it reads the settings, signs in and out, and wires each view to the
 * elements; the views are `upload-list.ts`, `document-list.ts`, `document-viewer.ts` and
 * `webhook-list.ts`, the decisions `uploads.ts`, the API `api-client.ts`, sign-in `session.ts`.
 */
import { ApiClient, ApiRequestError } from './api-client.js';
import { closeViewer } from './document-viewer.js';
import { DocumentList } from './document-list.js';
import { pageElements, type PageContext } from './page-context.js';
import { PAGE_CONFIG_FILE, parsePageConfig, type PageConfig } from './page-config.js';
import { cognitoLogoutUrl, completeCognitoSignIn, currentSession, endSession, signInLocally, startCognitoSignIn, type Session } from './session.js';
import { UploadList } from './upload-list.js';
import { describeError, formatBytes } from './uploads.js';
import { loadWebhooks } from './webhook-list.js';

const ui = pageElements();
let session: Session | undefined;
/** Bumped on sign-out, so polls started for the previous user stop. */
let generation = 0;

/** Read out by screen readers (a polite live region); repeated messages are still announced. */
function announce(message: string): void {
  ui.announcer.textContent = '';
  window.setTimeout(() => (ui.announcer.textContent = message), 50);
}

function showNotice(message: string | undefined): void {
  ui.notice.textContent = message ?? '';
  ui.notice.hidden = message === undefined;
}

/** The views, once the settings are read. */
interface Views {
  readonly context: PageContext;
  readonly documents: DocumentList;
  readonly uploads: UploadList;
}

function makeViews(config: PageConfig): Views {
  const context: PageContext = {
    ui,
    config,
    api: new ApiClient(config.apiUrl, () => session?.accessToken),
    generation: () => generation,
    announce,
    showNotice,
    handleFailure: (error, where) => {
      if (error instanceof ApiRequestError && error.status === 401) {
        endSession();
        session = undefined;
        showSignedOut(config);
        showNotice('Your session has ended: sign in again.');
        return;
      }
      showNotice(`${where}: ${describeError(error)}`);
    },
  };
  const documents = new DocumentList(context);
  return { context, documents, uploads: new UploadList(context, documents) };
}

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

function showSignedOut(config: PageConfig): void {
  generation += 1;
  ui.workspace.hidden = true;
  ui.account.hidden = true;
  ui.signIn.hidden = false;
  ui.localSignIn.hidden = config.auth.mode !== 'local';
  ui.cognitoSignIn.hidden = config.auth.mode !== 'cognito';
}

function showSignedIn(views: Views, active: Session): void {
  session = active;
  ui.signIn.hidden = true;
  ui.account.hidden = false;
  ui.signedInAs.textContent = active.userLabel;
  ui.workspace.hidden = false;
  ui.uploads.replaceChildren();
  closeViewer(views.context, false);
  void views.documents.load();
  void loadWebhooks(views.context);
}

async function onLocalSignIn(views: Views, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const { auth } = views.context.config;
  if (auth.mode !== 'local') return;
  const userId = ui.userId.value.trim();
  if (!ui.userId.checkValidity() || userId === '') {
    ui.userId.setAttribute('aria-invalid', 'true');
    showNotice('Enter a user id: letters, digits and . _ @ + = : - (up to 128).');
    ui.userId.focus();
    return;
  }
  ui.userId.removeAttribute('aria-invalid');
  try {
    const active = await signInLocally(auth, userId);
    showNotice(undefined);
    showSignedIn(views, active);
    announce(`Signed in as ${userId}.`);
    ui.chooseFiles.focus();
  } catch (error) {
    showNotice(describeError(error));
  }
}

function onSignOut(views: Views): void {
  const { config } = views.context;
  endSession();
  session = undefined;
  views.documents.clear();
  if (config.auth.mode === 'cognito') {
    window.location.assign(cognitoLogoutUrl(config.auth));
    return;
  }
  showSignedOut(config);
  announce('Signed out.');
  ui.userId.focus();
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function wireEvents(views: Views): void {
  const { config } = views.context;
  ui.localSignIn.addEventListener('submit', (event) => void onLocalSignIn(views, event));
  ui.cognitoButton.addEventListener('click', () => {
    if (config.auth.mode === 'cognito') void startCognitoSignIn(config.auth);
  });
  ui.signOut.addEventListener('click', () => onSignOut(views));
  ui.chooseFiles.addEventListener('click', () => ui.fileInput.click());
  ui.fileInput.addEventListener('change', () => {
    const files = [...(ui.fileInput.files ?? [])];
    ui.fileInput.value = ''; // choosing the same file again still fires `change`
    void views.uploads.uploadAll(files);
  });
  ui.dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    ui.dropZone.classList.add('dragging');
  });
  ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
  ui.dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.dropZone.classList.remove('dragging');
    void views.uploads.uploadAll([...(event.dataTransfer?.files ?? [])]);
  });
  // A file dropped beside the zone would otherwise replace the page with the PDF.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
  ui.refresh.addEventListener('click', () => void views.documents.load());
  ui.loadMore.addEventListener('click', () => void views.documents.load(true));
  ui.closeViewer.addEventListener('click', () => closeViewer(views.context));
}

async function start(): Promise<void> {
  let config: PageConfig;
  try {
    const response = await fetch(`/${PAGE_CONFIG_FILE}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${PAGE_CONFIG_FILE} answered ${response.status}`);
    config = parsePageConfig(await response.json());
  } catch (error) {
    ui.loading.hidden = true;
    showNotice(`The page could not read its settings: ${describeError(error)}.`);
    return;
  }
  const views = makeViews(config);
  ui.uploadLimits.textContent = `PDF files up to ${formatBytes(config.maxUploadBytes)} each, several at once.`;
  wireEvents(views);
  ui.loading.hidden = true;

  let active = currentSession();
  if (config.auth.mode === 'cognito') {
    try {
      active = (await completeCognitoSignIn(config.auth, new URL(window.location.href))) ?? active;
    } catch (error) {
      showNotice(describeError(error));
    }
  }
  if (active) showSignedIn(views, active);
  else showSignedOut(config);
}

void start();
