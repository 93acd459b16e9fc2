/**
 * XML hygiene shared by the metadata importer and the response validator.
 *
 * We parse with @xmldom/xmldom, the same parser node-saml uses, so our guards and node-saml see the same tree
 * (a parser differential between the guard and the verifier is itself a classic SAML attack vector).
 * Everything here runs on the exact string node-saml will later parse.
 */
import { DOMParser } from '@xmldom/xmldom';
import { SamlError } from './errors';

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

// DOM node types (the numeric constants, so we do not depend on a global `Node`).
const ELEMENT_NODE = 1;

/**
 * Refuses every markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`, `<!ATTLIST`, `<!NOTATION`).
 * SAML never needs a DTD; refusing on the raw string closes XXE, entity expansion ("billion laughs") and
 * DTD-driven ID attribute games before any parser runs. `<!--` and `<![CDATA[` are the only other uses of
 * `<!` in XML; a CDATA section that literally contains `<!DOCTYPE` is refused too, which costs nothing.
 */
export function assertNoDtd(xml: string): void {
  if (/<!(?!--|\[CDATA\[)/.test(xml)) {
    throw new SamlError('SAML_DTD_FORBIDDEN', 'XML document contains a DTD or markup declaration');
  }
}

/**
 * Refuses XML comments anywhere in a protocol message. Exclusive canonicalisation drops comments, so an
 * attacker can insert `<!---->` into a signed NameID (`alice@corp.example<!---->.evil.example`) without breaking
 * the signature; parsers that read only the first text node then see a truncated identity (CVE-2017-11427
 * family). No IdP we support emits comments, so refusing them is cheaper than proving every reader is safe.
 */
export function assertNoComments(xml: string): void {
  if (xml.includes('<!--')) {
    throw new SamlError('SAML_XML_COMMENT_FORBIDDEN', 'XML comments are not accepted in SAML messages');
  }
}

/** Parses a string into a DOM, turning every parser error or warning into `SAML_XML_MALFORMED`. */
export function parseXml(xml: string, what: string): Document {
  assertNoDtd(xml);
  const problems: string[] = [];
  const record = (message: string): void => {
    problems.push(message);
  };
  let document: Document;
  try {
    document = new DOMParser({
      locator: {},
      errorHandler: { warning: record, error: record, fatalError: record },
    }).parseFromString(xml, 'text/xml');
  } catch (cause) {
    throw new SamlError('SAML_XML_MALFORMED', `${what} is not well-formed XML`, { cause });
  }
  if (problems.length > 0 || !document || !document.documentElement) {
    throw new SamlError('SAML_XML_MALFORMED', `${what} is not well-formed XML: ${problems[0] ?? 'no root element'}`);
  }
  // Belt and braces: the string check above already refuses a DOCTYPE.
  if (document.doctype) {
    throw new SamlError('SAML_DTD_FORBIDDEN', `${what} contains a DTD`);
  }
  return document;
}

export function isElement(node: Node | null | undefined, namespace: string, localName: string): node is Element {
  return (
    !!node && node.nodeType === ELEMENT_NODE && (node as Element).namespaceURI === namespace && (node as Element).localName === localName
  );
}

/** Direct element children with the given namespace and local name, in document order. */
export function childElements(parent: Node, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (isElement(child, namespace, localName)) found.push(child);
  }
  return found;
}

/** At most one direct child; two of them is a structural error (ambiguity is how wrapping attacks start). */
export function singleChild(parent: Node, namespace: string, localName: string, onDuplicate: () => never): Element | undefined {
  const found = childElements(parent, namespace, localName);
  if (found.length > 1) onDuplicate();
  return found[0];
}

/** Every descendant element with the given namespace and local name, wherever it sits. */
export function descendantElements(root: Document | Element, namespace: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(namespace, localName));
}

/**
 * The full text of an element (all text and CDATA descendants concatenated), trimmed. Reading the whole
 * content, not `firstChild.data`, is what keeps a comment-split value from being truncated.
 */
export function fullText(element: Element | undefined): string | undefined {
  if (!element) return undefined;
  const text = (element.textContent ?? '').trim();
  return text === '' ? undefined : text;
}

/** An attribute that is present and non-empty, else undefined. */
export function attribute(element: Element | undefined, name: string): string | undefined {
  if (!element || !element.hasAttribute(name)) return undefined;
  const value = element.getAttribute(name);
  return value === null || value === '' ? undefined : value;
}
