/**
 * The extractor bundle's licence notice: it lists every package esbuild bundles (and PDFium,
 * whose WebAssembly module is copied in), the committed file is the one `npm run licenses` generates
 * today, and no bundled package has a forbidden or unknown licence.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bundleInputs,
  FORBIDDEN_LICENSE,
  NOTICE_FILE,
  packagesOf,
  renderNotice,
  type BundledPackage,
} from '../../bin/third-party-licenses.js';

let inputs: string[];
let packages: BundledPackage[];

beforeAll(async () => {
  inputs = await bundleInputs();
  packages = packagesOf(inputs);
}, 60_000);

describe('third-party licence notice', () => {
  it('covers the package of every bundled input from node_modules', () => {
    // Arrange: the package directory of each input, as `node_modules/<name>` or `node_modules/@scope/<name>`
    const fromInputs = new Set(
      inputs
        .filter((input) => input.includes('node_modules/'))
        .map((input) => {
          const parts = input.slice(input.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
          return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
        }),
    );

    // Act
    const listed = new Set(packages.map((pkg) => pkg.name));

    // Assert
    expect(fromInputs.size).toBeGreaterThan(10);
    for (const name of fromInputs) expect(listed, `${name} is bundled but not listed`).toContain(name);
    expect(listed).toContain('@embedpdf/pdfium');
  });

  it('is committed as generated today (run `npm run licenses` after changing dependencies)', () => {
    // Act
    const committed = readFileSync(NOTICE_FILE, 'utf8');

    // Assert
    expect(committed).toBe(renderNotice(packages));
    for (const pkg of packages) expect(committed).toContain(`| ${pkg.name} | ${pkg.version} | ${pkg.license} |`);
  });

  it('has no package under a forbidden or unknown licence', () => {
    // Act
    const refused = packages.filter((pkg) => FORBIDDEN_LICENSE.test(pkg.license));

    // Assert
    expect(refused.map((pkg) => `${pkg.name}@${pkg.version}: ${pkg.license}`)).toEqual([]);
  });

  it('would refuse copyleft and unknown licences', () => {
    // Act
    const verdicts = ['GPL-3.0-only', 'AGPL-3.0-or-later', 'LGPL-2.1', 'UNKNOWN', 'MIT', 'Apache-2.0', 'MIT-0', 'BSD-3-Clause', 'ISC'].map(
      (license) => [license, FORBIDDEN_LICENSE.test(license)],
    );

    // Assert
    expect(Object.fromEntries(verdicts)).toEqual({
      'GPL-3.0-only': true,
      'AGPL-3.0-or-later': true,
      'LGPL-2.1': true,
      UNKNOWN: true,
      MIT: false,
      'Apache-2.0': false,
      'MIT-0': false,
      'BSD-3-Clause': false,
      ISC: false,
    });
  });
});
