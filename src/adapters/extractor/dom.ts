import { DOMParser } from "linkedom";

/**
 * The slice of the DOM this extractor touches. The project compiles without the "dom" lib,
 * so linkedom's documents are used through these structural types.
 */
export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly parentNode: DomNode | null;
  readonly firstChild: DomNode | null;
  readonly nextSibling: DomNode | null;
  textContent: string | null;
  remove(): void;
  replaceWith(...nodes: Array<DomNode | string>): void;
}

export interface DomElement extends DomNode {
  readonly tagName: string;
  readonly localName: string;
  readonly firstElementChild: DomElement | null;
  readonly nextElementSibling: DomElement | null;
  readonly parentElement: DomElement | null;
  readonly children: ArrayLike<DomElement>;
  readonly childNodes: ArrayLike<DomNode>;
  readonly ownerDocument: DomDocument;
  id: string;
  className: string;
  appendChild(node: DomNode): DomNode;
  innerHTML: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  getElementsByTagName(name: string): ArrayLike<DomElement>;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export interface DomDocument {
  readonly documentElement: DomElement;
  readonly body: DomElement | null;
  readonly head: DomElement | null;
  createElement(tag: string): DomElement;
  getElementsByTagName(name: string): ArrayLike<DomElement>;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

const DOCUMENT_START = /<!doctype\s+html|<html[\s>]/i;

/**
 * Parses a page. Markup before the doctype or <html> (a stray <style> some servers prepend)
 * makes linkedom take that element for the whole document, so the page is read from its start.
 */
export function parseHtml(html: string): DomDocument {
  const doc = new DOMParser().parseFromString(html, "text/html") as unknown as DomDocument;
  if (doc.documentElement?.tagName === "HTML") return doc;
  const start = html.search(DOCUMENT_START);
  if (start <= 0) return doc;
  return new DOMParser().parseFromString(html.slice(start), "text/html") as unknown as DomDocument;
}

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

/** Next element in document order, skipping the subtree of `el` when `skipChildren`. */
export function nextElement(el: DomElement, root: DomElement, skipChildren = false): DomElement | null {
  if (!skipChildren && el.firstElementChild) return el.firstElementChild;
  let cur: DomElement | null = el;
  while (cur && cur !== root) {
    if (cur.nextElementSibling) return cur.nextElementSibling;
    cur = cur.parentElement;
  }
  return null;
}

/** True when `el` has more than `count` child elements. */
export function hasMoreChildren(el: DomElement, count: number): boolean {
  let n = 0;
  for (let child = el.firstElementChild; child; child = child.nextElementSibling) if (++n > count) return true;
  return false;
}

/**
 * The start of `el.textContent`: all of it when it is shorter than `minChars`, else at least
 * `minChars` characters. For texts only read when short, without reading a large subtree.
 */
export function textPrefix(el: DomElement, minChars: number): string {
  let text = "";
  let node: DomNode | null = el.firstChild;
  while (node && text.length < minChars) {
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) text += node.textContent ?? "";
    if (node.firstChild) {
      node = node.firstChild;
      continue;
    }
    while (node !== el && node.nextSibling === null && node.parentNode) node = node.parentNode;
    node = node === el ? null : node.nextSibling;
  }
  return text;
}
