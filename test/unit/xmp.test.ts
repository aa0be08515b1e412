import { describe, expect, it } from 'vitest';
import { parseXmp } from '../../lambdas/extract/xmp.js';
import { pdfDateToIso } from '../../lambdas/extract/pdfium/document-metadata.js';

const packet = (body: string) =>
  `<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${body}</rdf:RDF></x:xmpmeta>`;

describe('parseXmp', () => {
  it('reads simple properties, language alternatives and attributes, with lower-case names', () => {
    const xmp = parseXmp(
      packet(
        '<rdf:Description rdf:about="" pdf:Producer="Writer &amp; Co">' +
          '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Annual report</rdf:li></rdf:Alt></dc:title>' +
          '<dc:creator><rdf:Seq><rdf:li>Ada</rdf:li><rdf:li>Grace</rdf:li></rdf:Seq></dc:creator>' +
          '<xmp:CreateDate>2024-01-31T10:00:00Z</xmp:CreateDate></rdf:Description>',
      ),
    );

    expect(xmp).toEqual({
      'pdf:producer': 'Writer & Co',
      'dc:title': 'Annual report',
      'dc:creator': 'Ada, Grace',
      'xmp:createdate': '2024-01-31T10:00:00Z',
    });
  });

  it('leaves structured values out', () => {
    const xmp = parseXmp(
      packet('<rdf:Description><xmpMM:History><rdf:Seq><rdf:li rdf:parseType="Resource"><stEvt:action>saved</stEvt:action></rdf:li></rdf:Seq></xmpMM:History></rdf:Description>'),
    );

    expect(xmp).toBeUndefined();
  });

  it('cuts long values and reads a packet of unclosed tags in one pass', () => {
    const xmp = parseXmp(packet(`<rdf:Description><dc:description>${'D'.repeat(5000)}</dc:description></rdf:Description>`));

    expect(xmp?.['dc:description']).toBe('D'.repeat(2000));
    expect(parseXmp('<a:b>'.repeat(200_000))).toBeUndefined();
  });
});

describe('pdfDateToIso', () => {
  it('reads full dates with their time zone', () => {
    expect(pdfDateToIso("D:20240131123456+01'00'")).toBe('2024-01-31T11:34:56.000Z');
    expect(pdfDateToIso('D:20240131123456Z')).toBe('2024-01-31T12:34:56.000Z');
  });

  it('fills the parts a date leaves out', () => {
    expect(pdfDateToIso('D:2024')).toBe('2024-01-01T00:00:00.000Z');
  });

  it('refuses what is no date', () => {
    expect(pdfDateToIso('yesterday')).toBeUndefined();
    expect(pdfDateToIso(undefined)).toBeUndefined();
  });
});
