/**
 * Reads the simple properties of an XMP packet: `dc:title`, `xmp:createdate` and the like, as
 * `prefix:name` (lower case) → text. Language alternatives, sequences and bags are joined with
 * `, `. Not a general RDF reader: structured values are left out. Linear in the packet's size,
 * with every value cut at `maxChars`, since the packet comes from an untrusted file.
 */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const MAX_PROPERTIES = 200;
/** Deeper nesting than this is no metadata a record needs; it also bounds the stack's searches. */
const MAX_DEPTH = 32;

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

/** Every tag of the packet: `</`?, the qualified name, and whether it closes itself. */
const TAG = /<(\/?)([A-Za-z][\w.-]*:[A-Za-z][\w.-]*)((?:\s[^<>]*)?)(\/?)>/g;
/** Properties written as attributes of rdf:Description. */
const ATTRIBUTE = /\s([A-Za-z][\w.-]*:[A-Za-z][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const LIST_ITEM = /<rdf:li\b[^<>]*>([^<]*)<\/rdf:li>/g;
const IGNORED_PREFIXES = new Set(['rdf', 'x', 'xmlns', 'xml']);

function plainValue(content: string): string | undefined {
  if (content.includes('<rdf:li')) {
    const items = [...content.matchAll(LIST_ITEM)].map((item) => decodeEntities(item[1]!).trim()).filter((item) => item !== '');
    return items.length ? items.join(', ') : undefined;
  }
  if (content.includes('<')) return undefined; // a structure, not text
  const text = decodeEntities(content).trim();
  return text === '' ? undefined : text;
}

export function parseXmp(packet: string, maxChars = 2000): Record<string, string> | undefined {
  const properties = new Map<string, string>();
  const add = (name: string, value: string | undefined) => {
    const key = name.toLowerCase();
    if (value === undefined || properties.has(key) || properties.size >= MAX_PROPERTIES) return;
    if (IGNORED_PREFIXES.has(key.split(':')[0]!)) return;
    properties.set(key, value.slice(0, maxChars));
  };
  // One pass over the tags with a stack, so a packet of unclosed tags costs no more than its length.
  const open: { name: string; contentStart: number }[] = [];
  for (const tag of packet.matchAll(TAG)) {
    const [whole, closing, name, attributes, selfClosing] = tag as unknown as [string, string, string, string, string];
    if (closing) {
      const at = open.findLastIndex((element) => element.name === name);
      if (at === -1) continue;
      const element = open[at]!;
      open.length = at;
      // Only properties of a description: structured values' inner parts stay out.
      if (open[open.length - 1]?.name === 'rdf:Description') add(name, plainValue(packet.slice(element.contentStart, tag.index)));
      continue;
    }
    if (name === 'rdf:Description') {
      for (const attribute of attributes.matchAll(ATTRIBUTE)) add(attribute[1]!, plainValue(attribute[2] ?? attribute[3] ?? ''));
    }
    if (!selfClosing && open.length < MAX_DEPTH) open.push({ name, contentStart: tag.index + whole.length });
  }
  return properties.size ? Object.fromEntries(properties) : undefined;
}
