/** A long document's extraction progress in its row of the document list: a bar and its label. */
import { progressLabel, progressShare, type DocumentProgress } from './document-progress.js';

/** The bar and label for a document still PROCESSING with progress; nothing otherwise. */
export function progressElements(doc: { readonly status: string; readonly progress?: DocumentProgress }): HTMLElement[] {
  if (doc.status !== 'PROCESSING' || !doc.progress) return [];
  const label = progressLabel(doc.progress);
  const bar = document.createElement('progress');
  bar.className = 'extraction-progress';
  bar.max = 100;
  bar.value = progressShare(doc.progress);
  bar.setAttribute('aria-label', label);
  const text = document.createElement('span');
  text.className = 'hint';
  text.textContent = label;
  return [bar, text];
}
