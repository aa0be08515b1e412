/**
 * A document's metadata as PDFium reads it: the Info dictionary, version, encryption, language,
 * outline and AcroForm fields, each bounded, since a hostile file can make any of them huge.
 */
import type { DocumentMetadata, FormField, OutlineEntry } from '../../shared/document-model.js';
import type { PdfiumDocument } from './pdfium-document.js';

/** Hostile outlines can nest or repeat without end; this much is plenty for navigation. */
const OUTLINE_MAX_DEPTH = 6;
const OUTLINE_MAX_ENTRIES = 500;
const FORM_FIELDS_MAX = 1000;
const FIELD_VALUE_MAX_CHARS = 2000;
/** Info-dictionary strings, outline titles and field names: a hostile file can make any of them megabytes. */
export const METADATA_TEXT_MAX_CHARS = 2000;
/** Pages searched for form widgets: fields live on the first pages of any real form. */
const FORM_PAGES_MAX = 200;
const FPDF_ANNOT_WIDGET = 20;

/** FPDFAnnot_GetFormFieldType's values, named as the API reports them. */
const FIELD_TYPES: Record<number, string> = {
  1: 'button',
  2: 'checkbox',
  3: 'radiobutton',
  4: 'combobox',
  5: 'listbox',
  6: 'text',
  7: 'signature',
};

export function boundedText(value: string | undefined): string | undefined {
  const trimmed = value?.replace(/\0+$/, '');
  return trimmed !== undefined && trimmed.trim() !== '' ? trimmed.slice(0, METADATA_TEXT_MAX_CHARS) : undefined;
}

/**
 * A PDF date (`D:YYYYMMDDHHmmSSOHH'mm'`, every part after the year optional) as ISO 8601;
 * undefined when it is no date at all.
 */
export function pdfDateToIso(value: string | undefined): string | undefined {
  const match = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+-])?\s*(\d{2})?'?(\d{2})?'?/.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', sign, offsetHours = '00', offsetMinutes = '00'] = match;
  const offset = sign === '+' || sign === '-' ? `${sign}${offsetHours}:${offsetMinutes}` : 'Z';
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function metaText(document: PdfiumDocument, tag: string): string | undefined {
  const { pdfium, handle } = document;
  const tagPointer = pdfium.cString(tag);
  try {
    return boundedText(pdfium.utf16String((buffer, length) => pdfium.fn.FPDF_GetMetaText!(handle, tagPointer, buffer, length)));
  } finally {
    pdfium.free(tagPointer);
  }
}

function pdfVersion(document: PdfiumDocument): string | undefined {
  const { pdfium, handle } = document;
  const pointer = pdfium.malloc(4);
  try {
    if (!pdfium.fn.FPDF_GetFileVersion!(handle, pointer)) return undefined;
    const version = pdfium.int32(pointer);
    return version > 0 ? `${Math.floor(version / 10)}.${version % 10}` : undefined;
  } finally {
    pdfium.free(pointer);
  }
}

function outline(document: PdfiumDocument): OutlineEntry[] | undefined {
  const { pdfium, handle } = document;
  let budget = OUTLINE_MAX_ENTRIES;
  const walk = (parent: number, depth: number): OutlineEntry[] => {
    const entries: OutlineEntry[] = [];
    for (let bookmark = pdfium.fn.FPDFBookmark_GetFirstChild!(handle, parent); bookmark !== 0 && budget > 0; ) {
      budget -= 1;
      const title = pdfium.utf16String((buffer, length) => pdfium.fn.FPDFBookmark_GetTitle!(bookmark, buffer, length)).trim();
      const children = depth < OUTLINE_MAX_DEPTH ? walk(bookmark, depth + 1) : [];
      entries.push({ title: title.slice(0, METADATA_TEXT_MAX_CHARS), ...(children.length ? { items: children } : {}) });
      bookmark = pdfium.fn.FPDFBookmark_GetNextSibling!(handle, bookmark);
    }
    return entries;
  };
  const entries = walk(0, 1);
  return entries.length ? entries : undefined;
}

/**
 * The AcroForm's fields with their values, read from the widgets of the first pages (a field
 * with several widgets is listed once, with the first value found). Values are not page text.
 */
function formFields(document: PdfiumDocument): FormField[] | undefined {
  const { pdfium, handle } = document;
  const { fn } = pdfium;
  if (fn.FPDF_GetFormType!(handle) === 0) return undefined;
  const formInfo = fn.PDFiumExt_OpenFormFillInfo!();
  const form = fn.PDFiumExt_InitFormFillEnvironment!(handle, formInfo);
  const fields = new Map<string, FormField>();
  try {
    const pages = Math.min(document.pageCount, FORM_PAGES_MAX);
    for (let index = 0; index < pages && fields.size < FORM_FIELDS_MAX; index += 1) {
      const page = fn.FPDF_LoadPage!(handle, index);
      if (page === 0) continue;
      const annotations = fn.FPDFPage_GetAnnotCount!(page);
      for (let annotIndex = 0; annotIndex < annotations && fields.size < FORM_FIELDS_MAX; annotIndex += 1) {
        const annot = fn.FPDFPage_GetAnnot!(page, annotIndex);
        if (annot === 0) continue;
        if (fn.FPDFAnnot_GetSubtype!(annot) === FPDF_ANNOT_WIDGET) {
          const name = pdfium.utf16String((buffer, length) => fn.FPDFAnnot_GetFormFieldName!(form, annot, buffer, length));
          const value = pdfium.utf16String((buffer, length) => fn.FPDFAnnot_GetFormFieldValue!(form, annot, buffer, length));
          const known = fields.get(name);
          if (name !== '' && (!known || (known.value === '' && value !== ''))) {
            fields.set(name, {
              name: name.slice(0, METADATA_TEXT_MAX_CHARS),
              type: FIELD_TYPES[fn.FPDFAnnot_GetFormFieldType!(form, annot)] ?? 'unknown',
              value: value.slice(0, FIELD_VALUE_MAX_CHARS),
            });
          }
        }
        fn.FPDFPage_CloseAnnot!(annot);
      }
      fn.FPDF_ClosePage!(page);
    }
  } finally {
    if (form !== 0) fn.PDFiumExt_ExitFormFillEnvironment!(form);
    fn.PDFiumExt_CloseFormFillInfo!(formInfo);
  }
  return fields.size ? [...fields.values()] : undefined;
}

/** Everything the record keeps about a document, but its script hints and XMP (see xmp.ts). */
export function readDocumentMetadata(document: PdfiumDocument): DocumentMetadata {
  const { pdfium, handle } = document;
  const language = boundedText(pdfium.utf16String((buffer, length) => pdfium.fn.FPDFCatalog_GetLanguage!(handle, buffer, length)));
  return {
    title: metaText(document, 'Title'),
    author: metaText(document, 'Author'),
    subject: metaText(document, 'Subject'),
    keywords: metaText(document, 'Keywords'),
    creator: metaText(document, 'Creator'),
    producer: metaText(document, 'Producer'),
    creationDate: pdfDateToIso(metaText(document, 'CreationDate')),
    modificationDate: pdfDateToIso(metaText(document, 'ModDate')),
    pdfVersion: pdfVersion(document),
    language,
    encrypted: pdfium.fn.FPDF_GetSecurityHandlerRevision!(handle) !== -1,
    outline: outline(document),
    formFields: formFields(document),
  };
}
