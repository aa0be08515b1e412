/**
 * What the page's views share: its elements, its settings, the API client, and the ways to tell
 * the person something. `main.ts` makes one and hands it to each view.
 */
import type { ApiClient } from './api-client.js';
import type { PageConfig } from './page-config.js';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found as T;
}

/** The elements of `index.html` the views use, looked up once. */
export function pageElements() {
  return {
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
    tables: element('tables'),
  };
}

export type PageElements = ReturnType<typeof pageElements>;

export interface PageContext {
  readonly ui: PageElements;
  readonly config: PageConfig;
  readonly api: ApiClient;
  /** Bumped on sign-out, so work started for the previous user stops. */
  generation(): number;
  /** Read out by screen readers (a polite live region). */
  announce(message: string): void;
  showNotice(message: string | undefined): void;
  /** An expired or revoked token ends the session; other failures are shown as they are. */
  handleFailure(error: unknown, context: string): void;
}

/** A button of a document row or a view. */
export function button(label: string, className: string, onClick: () => void, ariaLabel?: string): HTMLButtonElement {
  const made = document.createElement('button');
  made.type = 'button';
  made.className = className;
  made.textContent = label;
  if (ariaLabel) made.setAttribute('aria-label', ariaLabel);
  made.addEventListener('click', onClick);
  return made;
}
