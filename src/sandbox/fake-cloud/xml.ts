// A tiny XML writer for the fake cloud's answers: escaped text, elements, and nothing that parses.

/** Markup already written by this module; plain strings are always escaped. */
export interface Xml {
  readonly xml: string;
}

export type XmlContent = Xml | string | number | boolean | null | undefined | readonly XmlContent[];

// XML 1.0 forbids most control characters even as references; drop them rather than answer a body no parser reads.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's job.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

function isXml(value: unknown): value is Xml {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Xml).xml === 'string';
}

function write(content: XmlContent): string {
  if (content === null || content === undefined) return '';
  if (isXml(content)) return content.xml;
  if (Array.isArray(content)) return content.map(write).join('');
  return escapeXml(String(content as string | number | boolean));
}

export function raw(xml: string): Xml {
  return { xml };
}

/** `<name>content</name>`, or `<name/>` when there is no content. */
export function el(name: string, ...content: XmlContent[]): Xml {
  const inner = write(content);
  return raw(inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`);
}

/** The element only when `value` is defined: optional members are left out, as AWS does. */
export function opt(name: string, value: XmlContent): Xml {
  return value === undefined || value === null ? raw('') : el(name, value);
}

/** A list wrapped in `<name>` with one `<itemName>` per entry (`item` for EC2, `member` for Auto Scaling). */
export function list<T>(name: string, itemName: string, items: readonly T[], render: (item: T) => XmlContent): Xml {
  return el(
    name,
    items.map((item) => el(itemName, render(item))),
  );
}

/** A whole document with its root element in the service's namespace. */
export function document(root: string, namespace: string, ...content: XmlContent[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${escapeXml(namespace)}">${write(content)}</${root}>`;
}

export function plainDocument(root: string, ...content: XmlContent[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${el(root, ...content).xml}`;
}

/** AWS's timestamp form in XML answers. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
