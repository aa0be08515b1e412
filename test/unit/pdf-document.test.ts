import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseTable, parsePdf, type ParsedDocument, type ParsedPage } from '../../lambdas/extract/pdf-document.js';
import { findPageTables } from '../../lambdas/extract/page-tables.js';
import { detectScripts } from '../../lambdas/extract/scripts.js';
import { readCorpusFile } from '../support/corpus.js';
import { makePdf } from '../support/pdf-factory.js';

async function parse(bytes: Uint8Array, maxPages = 5000) {
  let document: ParsedDocument | undefined;
  const pages: ParsedPage[] = [];
  await parsePdf(bytes, { maxPages, findTables: findPageTables }, { document: (parsed) => (document = parsed), page: (page) => pages.push(page) });
  return { document: document!, pages };
}

describe('parsePdf', () => {
  it('reports the document before its pages, and every page in order', async () => {
    const events: string[] = [];

    await parsePdf(makePdf(['one', 'two', 'three', 'four', 'five', 'six', 'seven']), { maxPages: 10 }, {
      document: () => events.push('document'),
      page: (page) => events.push(`page ${page.pageNumber}`),
    });

    expect(events).toEqual(['document', ...[1, 2, 3, 4, 5, 6, 7].map((n) => `page ${n}`)]);
  });

  it('finds the cells of both ruled tables in 021-table-twotables.pdf, as a person reads them', async () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/tables/021-table-twotables-p1.json', import.meta.url), 'utf8'));

    const { pages } = await parse(readCorpusFile(fixture.file));
    const tables = pages[fixture.page - 1]!.tables;

    expect(tables).toHaveLength(2);
    expect(tables[0]!.rows).toEqual(fixture.tables[0].rows);
    expect(tables[1]!.rows).toEqual(fixture.tables[1].rows);
  });

  it('reads AcroForm field values, which are not part of page text', async () => {
    const { document, pages } = await parse(readCorpusFile('029-form-libreoffice-form.pdf'));

    expect(document.metadata.formFields).toEqual(
      expect.arrayContaining([
        { name: 'First Name', type: 'text', value: 'Alice' },
        { name: 'First Name_2', type: 'text', value: 'Bob' },
      ]),
    );
    expect(pages.map((page) => page.text).join(' ')).not.toContain('Alice');
  });

  it('flags image-only pages as needing OCR and text pages as not', async () => {
    const scanned = await parse(readCorpusFile('044-scanned-image.pdf'));
    const text = await parse(readCorpusFile('076-small-simple1.pdf'));

    expect(scanned.pages.every((page) => page.needsOcr && !page.hasText)).toBe(true);
    expect(text.pages.every((page) => !page.needsOcr && page.hasText)).toBe(true);
  });

  it('hints at the scripts a document is written in', async () => {
    expect((await parse(readCorpusFile('052-nonlatin-kampo.pdf'))).document.metadata.scripts).toEqual(['Han', 'Hiragana']);
    expect((await parse(readCorpusFile('048-nonlatin-habibi.pdf'))).document.metadata.scripts?.[0]).toBe('Arabic');
  });

  it('keeps an outline of bounded size', async () => {
    const { document } = await parse(readCorpusFile('083-metadata-mistitled_outlines_example.pdf'));

    expect(document.metadata.outline?.map((entry) => entry.title)).toEqual(['First', 'Tenth', 'Fifteenth', 'Eighteenth', 'Nineteenth']);
  });
});

describe('normaliseTable', () => {
  it('pads rows to a rectangle and folds whitespace in cells', () => {
    expect(normaliseTable([['a', ' b\n c '], ['d']])).toEqual({ rows: [['a', 'b c'], ['d', '']] });
  });

  it('drops tables with no text', () => {
    expect(normaliseTable([['', ' '], []])).toBeUndefined();
    expect(normaliseTable([])).toBeUndefined();
  });
});

describe('detectScripts', () => {
  it('orders scripts by use and ignores stray characters', () => {
    expect(detectScripts('Hello world, this is a longer sentence. Привет мир! Ω')).toEqual(['Latin', 'Cyrillic']);
  });

  it('is empty when there are no letters', () => {
    expect(detectScripts('123 -- ...')).toEqual([]);
  });
});

