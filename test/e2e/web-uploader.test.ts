/**
 * The web uploader in headless Chromium against the local runtime: the page on its own origin,
 * the API cross-origin (CORS as in AWS), uploads by both routes (the page's direct limit is
 * lowered so a small corpus file takes the presigned POST through the S3 CORS proxy), live
 * statuses, the extracted text, deletion, keyboard use, a phone-sized screen and the webhook list.
 *
 * Uses the system's Chromium (Debian package `chromium`), never a downloaded browser.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../api-client/api-client.js';
import { tableGrid } from '../../web/src/table-grid.js';
import { corpusFile } from '../support/corpus.js';
import type { TableList } from '../../api-client/api-types.js';
import { LOCAL_CONFIG } from '../../local/settings.js';
import { removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';

// Functions passed to `page.evaluate` run in the page; the test program has no DOM library.
declare const document: any, window: any, MutationObserver: any, getComputedStyle: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REPORTS = join(process.cwd(), 'reports');
/** Between the two files below: the small one goes directly, the larger by presigned POST. */
const DIRECT_LIMIT_BYTES = 10_000;
const SMALL_PDF = '076-small-simple1.pdf'; // 849 bytes, 1 page
const LARGER_PDF = '016-report-multicolumn.pdf'; // 78 KB, 3 pages
const TABLE_PDF = '020-table-senate-expenditures.pdf'; // ruled tables
const EXTRACTION_TIMEOUT_MS = 60_000;
/** A browser test signs in, uploads and waits for extraction. */
const BROWSER_TEST_TIMEOUT_MS = 120_000;

function chromiumExecutable(): string {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (Debian), or set CHROMIUM_PATH.`,
    );
  }
  return CHROMIUM;
}

interface PageProblems {
  /** Console errors (CSP violations and CORS refusals among them) and uncaught exceptions. */
  readonly errors: string[];
  /** What the polite live region said, in order. */
  announcements(): Promise<string[]>;
}

/** A fresh page that records its problems and every live-region announcement. */
async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; problems: PageProblems }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(() => {
    const said: string[] = [];
    window.announcements = said;
    document.addEventListener('DOMContentLoaded', () => {
      const region = document.getElementById('announcer');
      if (!region) return;
      new MutationObserver(() => {
        if (region.textContent) said.push(region.textContent);
      }).observe(region, { childList: true, characterData: true, subtree: true });
    });
  });
  await page.goto(url);
  // The page shows sign-in (or the workspace) once it has read config.json.
  await page.locator('#loading').waitFor({ state: 'hidden' });
  return {
    page,
    problems: {
      errors,
      announcements: () => page.evaluate((): string[] => [...window.announcements]),
    },
  };
}

async function signIn(page: Page, userId: string): Promise<void> {
  await page.getByLabel('User id').fill(userId);
  await page.getByLabel('User id').press('Enter');
  await page.locator('#workspace').waitFor({ state: 'visible' });
}

const documentRow = (page: Page, filename: string) => page.locator('#documents li', { hasText: filename });

async function completed(page: Page, filename: string): Promise<void> {
  await documentRow(page, filename).locator('.status[data-status="COMPLETED"]').waitFor({ timeout: EXTRACTION_TIMEOUT_MS });
}

describe('web uploader (Chromium)', () => {
  let local: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    const executablePath = chromiumExecutable();
    mkdirSync(REPORTS, { recursive: true });
    [local, browser] = await Promise.all([
      startTestRuntime({ web: { port: 0, maxDirectUploadBytes: DIRECT_LIMIT_BYTES } }),
      chromium.launch({ executablePath, headless: true }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await local?.stop();
    if (local) removeStateDir(local.stateDir);
  });

  /** The API as a user, with a token the runtime signs for them: what the page shows is checked against it. */
  async function apiAs(userId: string): Promise<ApiClient> {
    const token = await local.runtime.api.authority.issue(userId);
    return new ApiClient({ baseUrl: local.outputs.ApiUrl, token: () => token, maxRetries: 0 });
  }

  /** What the API says a user's document's pages are, read with the user's own token. */
  async function apiPages(userId: string, documentId: string): Promise<Array<{ pageNumber: number; text: string }>> {
    const pages = [];
    for await (const page of (await apiAs(userId)).allPages(documentId)) pages.push(page);
    return pages;
  }

  it('is served on an origin of its own, with its security headers and a config.json naming the local API', async () => {
    // Act
    const page = await fetch(local.outputs.WebUrl!);
    const config = (await (await fetch(`${local.outputs.WebUrl}/config.json`)).json()) as Record<string, unknown>;

    // Assert
    expect(new URL(local.outputs.WebUrl!).origin).not.toBe(new URL(local.outputs.ApiUrl).origin);
    expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ${local.outputs.ApiUrl}`);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(config).toEqual({
      apiUrl: local.outputs.ApiUrl,
      maxDirectUploadBytes: DIRECT_LIMIT_BYTES,
      maxUploadBytes: LOCAL_CONFIG.api.maxPresignedUploadBytes,
      auth: { mode: 'local', tokenUrl: '/dev-token' },
    });
  });

  it('signs in, uploads two PDFs by both routes, follows them to COMPLETED, shows the extracted text and deletes one', async () => {
    // Arrange
    const context = await browser.newContext({ viewport: { width: 960, height: 1240 } });
    const { page, problems } = await openPage(context, local.outputs.WebUrl!);
    const userId = 'web-user';

    // Act: sign in, then pick both files through the file input.
    await signIn(page, userId);
    await page.locator('#file-input').setInputFiles([corpusFile(SMALL_PDF), corpusFile(LARGER_PDF)]);
    await completed(page, SMALL_PDF);
    await completed(page, LARGER_PDF);
    const routes = await page.locator('#uploads li').evaluateAll((items) =>
      Object.fromEntries(items.map((item: any) => [item.querySelector('.upload-name')?.textContent, item.dataset.route])),
    );
    // An upload's own line follows its document on the next check, which may come after the list shows it done.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#uploads li .upload-state')].every((state) => /^(COMPLETED|FAILED)/.test(state.textContent ?? '')),
      undefined,
      { timeout: EXTRACTION_TIMEOUT_MS },
    );
    const uploadStates = await page.locator('#uploads li .upload-state').allTextContents();
    const documentId = await documentRow(page, LARGER_PDF).getAttribute('data-document-id');
    await documentRow(page, LARGER_PDF).getByRole('button', { name: `Show text of ${LARGER_PDF}` }).click();
    await page.locator('#pages li.page').first().waitFor();
    const shown = await page.locator('#pages li.page').evaluateAll((items) =>
      items.map((item: any) => ({
        pageNumber: Number(item.dataset.pageNumber),
        text: item.querySelector('pre')?.textContent ?? '',
      })),
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(REPORTS, 'web-uploader.png') });
    const extracted = await apiPages(userId, documentId!);

    page.once('dialog', (dialog) => void dialog.accept());
    await documentRow(page, SMALL_PDF).getByRole('button', { name: `Delete ${SMALL_PDF}` }).click();
    await documentRow(page, SMALL_PDF).waitFor({ state: 'detached' });
    await page.waitForFunction((said) => window.announcements.includes(said), `${SMALL_PDF} deleted.`);
    const smallIdGone = await page.locator('#uploads li', { hasText: SMALL_PDF }).getAttribute('data-document-id');
    const afterDelete = await (await apiAs(userId)).getDocument(smallIdGone!).catch((error: unknown) => error);
    const announcements = await problems.announcements();
    await context.close();

    // Assert
    expect(routes).toEqual({ [SMALL_PDF]: 'direct', [LARGER_PDF]: 'presigned' });
    expect(uploadStates).toEqual(['COMPLETED, 3 pages', 'COMPLETED, 1 page']);
    expect(extracted).toHaveLength(3);
    expect(shown).toEqual(extracted.map(({ pageNumber, text }) => ({ pageNumber, text })));
    expect(shown.some((page) => page.text.trim().length > 0)).toBe(true);
    expect(afterDelete).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(announcements).toEqual(
      expect.arrayContaining([`${SMALL_PDF}: COMPLETED, 1 page.`, `${LARGER_PDF}: COMPLETED, 3 pages.`, `${SMALL_PDF} deleted.`]),
    );
    expect(problems.errors).toEqual([]);
  }, BROWSER_TEST_TIMEOUT_MS);

  it('signs in and uploads with the keyboard alone, and reaches every main control with a visible focus', async () => {
    // Arrange
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const { page, problems } = await openPage(context, local.outputs.WebUrl!);

    // Act: sign in (skip link, then the user id), then upload from the chooser Enter opens.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const signInFocus = await page.evaluate(() => document.activeElement?.id);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('keyboard-user');
    await page.keyboard.press('Enter');
    await page.locator('#workspace').waitFor({ state: 'visible' });
    // Waiting for the chooser before the key press, so Playwright intercepts it in time.
    const chooserOpened = page.waitForEvent('filechooser');
    const focusAfterSignIn = await page.evaluate(() => document.activeElement?.id);
    await page.keyboard.press('Enter');
    const chooser = await chooserOpened;
    const multiple = chooser.isMultiple();
    await chooser.setFiles(corpusFile(SMALL_PDF));
    await completed(page, SMALL_PDF);

    // Act: walk the page with Tab from the top, once reloaded (the session outlives a reload).
    await page.reload();
    await documentRow(page, SMALL_PDF).waitFor();
    const reached: Array<{ name: string; outline: string }> = [];
    for (let step = 0; step < 8; step += 1) {
      await page.keyboard.press('Tab');
      reached.push(
        await page.evaluate(() => {
          const active = document.activeElement;
          const name = active.getAttribute('aria-label') || active.id || active.textContent.trim();
          return { name: String(name), outline: String(getComputedStyle(active).outlineStyle) };
        }),
      );
    }
    await context.close();

    // Assert
    expect(signInFocus).toBe('user-id');
    expect(focusAfterSignIn).toBe('choose-files');
    expect(multiple).toBe(true);
    const names = reached.map((entry) => entry.name);
    expect(names).toEqual([
      'Skip to content',
      'sign-out',
      'choose-files',
      'refresh',
      `Show text of ${SMALL_PDF}`,
      `Show tables of ${SMALL_PDF}`,
      `Show ${SMALL_PDF} as Markdown`,
      `Delete ${SMALL_PDF}`,
    ]);
    for (const entry of reached) expect(entry.outline, entry.name).toBe('solid');
    expect(problems.errors).toEqual([]);
  }, BROWSER_TEST_TIMEOUT_MS);

  it("shows a document's Markdown as headings, paragraphs and a table, its text never read as HTML", async () => {
    // Arrange
    const context = await browser.newContext();
    const { page, problems } = await openPage(context, local.outputs.WebUrl!);
    await signIn(page, 'markdown-reader');
    await page.locator('#file-input').setInputFiles(corpusFile(LARGER_PDF));
    await completed(page, LARGER_PDF);

    // Act
    await documentRow(page, LARGER_PDF).getByRole('button', { name: `Show ${LARGER_PDF} as Markdown` }).click();
    await page.locator('#pages li.markdown h3').first().waitFor();
    const headings = await page.locator('#pages li.markdown').locator('h3, h4').allTextContents();
    const header = await page.locator('#pages li.markdown table thead th').allTextContents();
    const injected = await page.locator('#pages li.markdown script, #pages li.markdown img').count();
    await context.close();

    // Assert
    expect(headings).toEqual(['Two-Column Document with Lorem Ipsum', 'Abstract']);
    expect(header).toEqual(['Country', 'Population (millions)', 'Area (km2)', 'Capital', 'Official Language']);
    expect(injected).toBe(0);
    expect(problems.errors).toEqual([]);
  }, BROWSER_TEST_TIMEOUT_MS);

  it('shows a document’s tables as tables: a header row of <th>, spans as the API gives them, text as text', async () => {
    // Arrange: one cell of the answer rewritten on its way to the page, as markup that must not run
    const HOSTILE = '<img src=x onerror="window.ran=1">&amp;';
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const { page, problems } = await openPage(context, local.outputs.WebUrl!);
    await page.route(`${local.outputs.ApiUrl}/v1/documents/*/tables`, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch();
      const answer = (await response.json()) as TableList;
      const first = answer.tables[0];
      if (first?.rows[0]) first.rows[0][0] = HOSTILE;
      if (first?.cells?.[0]) first.cells[0] = { ...first.cells[0], text: HOSTILE };
      await route.fulfill({ response, json: answer });
    });
    await signIn(page, 'table-user');

    // Act
    await page.locator('#file-input').setInputFiles(corpusFile(TABLE_PDF));
    await completed(page, TABLE_PDF);
    await documentRow(page, TABLE_PDF).getByRole('button', { name: `Show tables of ${TABLE_PDF}` }).click();
    await page.locator('#tables table').first().waitFor();
    const drawn = await page.locator('#tables table').evaluateAll((tables) =>
      tables.map((table: any) => ({
        caption: table.querySelector('caption')?.textContent ?? '',
        rows: [...table.querySelectorAll('tr')].map((row: any) =>
          [...row.children].map((cell: any) => ({ tag: cell.tagName, text: cell.textContent, rowSpan: cell.rowSpan, colSpan: cell.colSpan })),
        ),
        elementsInCells: table.querySelectorAll('td *, th *').length,
      })),
    );
    const ran = await page.evaluate(() => window.ran);
    await page.screenshot({ path: join(REPORTS, 'web-uploader-tables.png'), fullPage: true });
    const documentId = await documentRow(page, TABLE_PDF).getAttribute('data-document-id');
    const { tables } = await (await apiAs('table-user')).listTables(documentId!);
    await context.close();

    // Assert: each table drawn as the grid of the API's answer (its first cell as rewritten)
    expect(tables.length).toBeGreaterThan(0);
    const expected = tables.map((table, index) => {
      const answered = index === 0 ? { ...table, rows: [[HOSTILE, ...table.rows[0]!.slice(1)], ...table.rows.slice(1)], cells: table.cells?.map((cell, at) => (at === 0 ? { ...cell, text: HOSTILE } : cell)) } : table;
      const grid = tableGrid(answered);
      return {
        caption: grid.caption,
        rows: grid.rows.map((cells) => cells.map((cell) => ({ tag: cell.header ? 'TH' : 'TD', text: cell.text, rowSpan: cell.rowSpan, colSpan: cell.colSpan }))),
        elementsInCells: 0,
      };
    });
    expect(drawn).toEqual(expected);
    expect(drawn[0]!.rows.flat().some((cell) => cell.text === HOSTILE)).toBe(true);
    expect(ran).toBeUndefined();
    expect(problems.errors).toEqual([]);
  }, BROWSER_TEST_TIMEOUT_MS);

  it('fits a phone-sized screen: no sideways scrolling, controls large enough to tap', async () => {
    // Arrange
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const { page, problems } = await openPage(context, local.outputs.WebUrl!);

    // Act
    await signIn(page, 'phone-user');
    await page.locator('#file-input').setInputFiles(corpusFile(LARGER_PDF));
    await completed(page, LARGER_PDF);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const heights = await Promise.all(
      ['#choose-files', '#refresh', '#sign-out'].map(async (selector) => (await page.locator(selector).boundingBox())?.height ?? 0),
    );
    await page.screenshot({ path: join(REPORTS, 'web-uploader-phone.png'), fullPage: true });
    await context.close();

    // Assert
    expect(overflow).toBeLessThanOrEqual(0);
    for (const height of heights) expect(height).toBeGreaterThanOrEqual(44);
    expect(problems.errors).toEqual([]);
  }, BROWSER_TEST_TIMEOUT_MS);

  it('refuses a file that is not a PDF before sending it, and says why', async () => {
    // Arrange
    const context = await browser.newContext();
    const { page, problems } = await openPage(context, local.outputs.WebUrl!);
    await signIn(page, 'careless-user');

    // Act
    await page.locator('#file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a pdf') });
    const state = await page.locator('#uploads li .upload-state').textContent();
    await context.close();

    // Assert
    expect(state).toBe('Not a PDF: choose files ending in .pdf.');
    expect(problems.errors).toEqual([]);
  }, BROWSER_TEST_TIMEOUT_MS);

  it('lists the user’s webhooks, and only theirs', async () => {
    // Arrange: a webhook of this user's, and one of someone else's
    const subscribe = async (userId: string, url: string) =>
      (await apiAs(userId)).createWebhook({ url, events: ['document.completed'], description: 'Back office' });
    await subscribe('hooked-user', 'http://127.0.0.1:9/hooked');
    await subscribe('other-user', 'http://127.0.0.1:9/other');
    const context = await browser.newContext();
    const { page, problems } = await openPage(context, local.outputs.WebUrl!);

    // Act
    await signIn(page, 'hooked-user');
    await page.locator('#webhooks li').first().waitFor();
    const rows = await page.locator('#webhooks li strong').allTextContents();
    await context.close();

    // Assert
    expect(rows).toEqual(['Back office — http://127.0.0.1:9/hooked']);
    expect(problems.errors).toEqual([]);
  }, BROWSER_TEST_TIMEOUT_MS);
});
