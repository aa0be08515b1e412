/**
 * Uploads in this session: each file's row, its route (direct or presigned POST), its progress,
 * and its document's status once uploaded. A few run at once, in the order chosen.
 */
import { ApiRequestError } from './api-client.js';
import type { DocumentList } from './document-list.js';
import type { PageContext } from './page-context.js';
import { describeError, formatBytes, planUpload, progressPercent, type UploadRoute } from './uploads.js';

/** Uploads at once: enough to keep a connection busy, few enough that each shows progress. */
const PARALLEL_UPLOADS = 3;

interface UploadItem {
  route(route: UploadRoute): void;
  progress(percent: number): void;
  state(text: string, tone?: 'ok' | 'error'): void;
  document(documentId: string): void;
}

export class UploadList {
  constructor(
    private readonly context: PageContext,
    private readonly documents: DocumentList,
  ) {}

  /** Runs the uploads a few at a time, in the order chosen. */
  async uploadAll(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    this.context.showNotice(undefined);
    this.context.announce(`Uploading ${files.length} ${files.length === 1 ? 'file' : 'files'}.`);
    const queue = files.map((file) => ({ file, item: this.item(file) }));
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.upload(next.file, next.item);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, worker));
  }

  private async upload(file: File, item: UploadItem): Promise<void> {
    const { announce, config } = this.context;
    const plan = planUpload(file, config);
    if ('refused' in plan) {
      item.state(plan.refused, 'error');
      announce(`${file.name}: ${plan.refused}`);
      return;
    }
    item.route(plan.route);
    const onProgress = (loaded: number, total: number) => item.progress(progressPercent(loaded, total));
    try {
      const documentId = await this.send(file, plan.route, item, onProgress);
      item.progress(100);
      item.state('Uploaded; waiting for extraction…');
      announce(`${file.name} uploaded; extracting.`);
      await this.documents.load();
      void this.documents.watch(documentId, (status) => item.state(status.label, status.tone));
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 401) return this.context.handleFailure(error, file.name);
      item.state(describeError(error), 'error');
      announce(`${file.name} was not uploaded: ${describeError(error)}`);
    }
  }

  private async send(file: File, route: UploadRoute, item: UploadItem, onProgress: (loaded: number, total: number) => void): Promise<string> {
    const { api } = this.context;
    if (route === 'direct') {
      // The key protects against a retried request making a second document.
      const { documentId } = await api.uploadDirect(file, { filename: file.name, idempotencyKey: crypto.randomUUID(), onProgress });
      item.document(documentId);
      return documentId;
    }
    const created = await api.createUpload({ filename: file.name, size: file.size });
    item.document(created.documentId);
    await api.postUploadForm(created.upload, file, file.name, onProgress);
    return created.documentId;
  }

  private item(file: File): UploadItem {
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
    this.context.ui.uploads.prepend(item);
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
}
