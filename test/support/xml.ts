/**
 * A real XML parser for tests: sax in strict mode with namespaces (a dependency of svgo, which mjml
 * brings), building a small element tree. Any well-formedness error throws: sax's own (bad escaping, an
 * unclosed or mismatched tag, a bad attribute), plus the three XML 1.0 rules sax lets pass, checked here:
 * characters XML cannot carry (C0 controls, U+FFFE/FFFF), entities other than the five predefined ones and
 * character references, and more than one root element.
 */
import { createRequire } from 'node:module';

/** One parsed element: namespace URI, local name, attributes by local name, children and text. */
export interface XmlElement {
  uri: string;
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

interface SaxTag {
  uri: string;
  local: string;
  attributes: Record<string, { local: string; value: string; uri: string }>;
}

interface SaxParser {
  onerror: (error: Error) => void;
  onopentag: (tag: SaxTag) => void;
  onclosetag: () => void;
  ontext: (text: string) => void;
  write(xml: string): SaxParser;
  close(): void;
}

const require = createRequire(import.meta.url);
const sax = require('sax') as { parser(strict: boolean, options: { xmlns: boolean }): SaxParser };

const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const UNDECLARED_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;

/** Parses `xml` strictly; returns the root element or throws on the first error. */
export function parseXml(xml: string): XmlElement {
  const bad = NOT_XML_CHAR.exec(xml);
  if (bad) throw new Error(`character U+${(bad[0].codePointAt(0) ?? 0).toString(16)} is not allowed in XML`);
  const entity = UNDECLARED_ENTITY.exec(xml);
  if (entity) throw new Error(`undeclared entity or bare & at offset ${entity.index}`);
  const parser = sax.parser(true, { xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let failure: Error | null = null;
  parser.onerror = (error) => {
    failure ??= error;
  };
  parser.onopentag = (tag) => {
    const element: XmlElement = {
      uri: tag.uri,
      name: tag.local,
      attributes: Object.fromEntries(
        Object.values(tag.attributes)
          .filter((a) => a.uri !== 'http://www.w3.org/2000/xmlns/')
          .map((a) => [a.local, a.value]),
      ),
      children: [],
      text: '',
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) failure ??= new Error(`a second root element <${tag.local}>`);
    else root = element;
    stack.push(element);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  parser.ontext = (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  };
  parser.write(xml).close();
  if (failure) throw failure;
  if (!root) throw new Error('no root element');
  return root;
}

/** The direct children of `element` named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}
