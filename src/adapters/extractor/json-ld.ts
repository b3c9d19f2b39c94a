/** The facts a page states about itself in JSON-LD (schema.org), @graph and @id references resolved. */

const ARTICLE_TYPES =
  /^(?:Article|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|SatiricalArticle|ScholarlyArticle|SocialMediaPosting|BlogPosting|LiveBlogPosting|TechArticle|LiveBlog)$/;

/** JSON-LD types of the page itself (schema.org WebPage and its kinds). */
const WEB_PAGE_TYPES = /^(?:WebPage|ItemPage|AboutPage|FAQPage|QAPage|ProfilePage|MedicalWebPage)$/;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: Json | undefined): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function typesOf(node: JsonObject): string[] {
  return asArray(node["@type"]).filter((t): t is string => typeof t === "string").map((t) => t.replace(/^.*[/:]/, ""));
}

function firstString(value: Json | undefined): string | undefined {
  for (const item of asArray(value)) {
    if (typeof item === "string" && item.trim().length > 0) return item.trim();
    if (isObject(item)) {
      const nested = firstString(item["@value"] ?? item["name"]);
      if (nested) return nested;
    }
  }
  return undefined;
}

/** Every object in a JSON-LD document, through @graph arrays and nested arrays. */
export function flattenJsonLd(root: Json): JsonObject[] {
  const out: JsonObject[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && out.length < 200) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i] as Json);
    } else if (isObject(node)) {
      out.push(node);
      const graph = node["@graph"];
      if (graph !== undefined) stack.push(graph);
      const main = node["mainEntity"];
      if (isObject(main)) stack.push(main);
    }
  }
  return out;
}

export function parseJsonLd(text: string): Json | undefined {
  const trimmed = text.trim().replace(/^<!--|-->$/g, "").replace(/^\s*\/\/<!\[CDATA\[|\/\/\]\]>\s*$/g, "");
  try {
    return JSON.parse(trimmed) as Json;
  } catch {
    // Some sites put raw newlines or tabs inside strings.
    try {
      return JSON.parse(trimmed.replace(/[\n\r\t]+/g, " ")) as Json;
    } catch {
      return undefined;
    }
  }
}

interface AuthorNames {
  people: string[];
  organizations: string[];
}

/** Authors by type; an author given only by "@id" (Yoast's @graph) is looked up there. */
function authorNames(value: Json | undefined, byId: ReadonlyMap<string, JsonObject>): AuthorNames {
  const people: string[] = [];
  const organizations: string[] = [];
  for (const entry of asArray(value)) {
    let item = entry;
    if (isObject(item) && item["name"] === undefined && typeof item["@id"] === "string") item = byId.get(item["@id"]) ?? item;
    if (typeof item === "string") {
      people.push(item);
    } else if (isObject(item)) {
      const name = firstString(item["name"]);
      if (!name) continue;
      const types = typesOf(item);
      if (types.includes("Person") || !types.some((t) => /Organization|Corporation|WebSite|Brand/.test(t))) people.push(name);
      else organizations.push(name);
    }
  }
  return { people, organizations };
}

function isFalse(value: Json | undefined): boolean {
  return value === false || (typeof value === "string" && value.trim().toLowerCase() === "false");
}

export interface JsonLdFacts {
  title?: string;
  authors: AuthorNames;
  /** Other names the site goes by (publisher, WebSite). */
  siteNames: string[];
  /** A person publishes the site (a personal blog): the site's name is the author's. */
  personPublisher?: boolean;
  published?: string;
  modified?: string;
  siteName?: string;
  language?: string;
  url?: string;
  description?: string;
  isArticle: boolean;
  notFree: boolean;
}

export function readJsonLd(objects: readonly JsonObject[]): JsonLdFacts {
  const facts: JsonLdFacts = { authors: { people: [], organizations: [] }, siteNames: [], isArticle: false, notFree: false };
  const byId = new Map<string, JsonObject>();
  for (const node of objects) {
    const id = node["@id"];
    if (typeof id === "string" && !byId.has(id)) byId.set(id, node);
  }
  let websiteName: string | undefined;
  /** A WebPage's dates, for pages whose JSON-LD describes no article. */
  let pagePublished: string | undefined;
  let pageModified: string | undefined;
  for (const node of objects) {
    const types = typesOf(node);
    if (types.includes("WebSite") && !websiteName) {
      websiteName = firstString(node["name"]);
      if (websiteName) facts.siteNames.push(websiteName);
    }
    if (types.some((t) => WEB_PAGE_TYPES.test(t)) && !pagePublished) {
      pagePublished = firstString(node["datePublished"]) ?? firstString(node["dateCreated"]);
      pageModified = firstString(node["dateModified"]);
    }
    if (!types.some((t) => ARTICLE_TYPES.test(t))) continue;
    if (facts.isArticle) {
      // The first article object describes the page; later ones are usually related items.
      continue;
    }
    facts.isArticle = true;
    const title = firstString(node["headline"]) ?? firstString(node["name"]);
    if (title) facts.title = title;
    facts.authors = authorNames(node["author"] ?? node["creator"], byId);
    const published = firstString(node["datePublished"]) ?? firstString(node["dateCreated"]);
    if (published) facts.published = published;
    const modified = firstString(node["dateModified"]);
    if (modified) facts.modified = modified;
    const publisher = asArray(node["publisher"]).find(isObject);
    const publisherName = publisher ? firstString(publisher["name"]) : undefined;
    if (publisherName) facts.siteName = publisherName;
    const publisherId = publisher?.["@id"];
    const publisherNode = publisher && publisherName === undefined && typeof publisherId === "string" ? byId.get(publisherId) : publisher;
    const declaredPublisher = publisherNode ? firstString(publisherNode["name"]) : undefined;
    // Yoast names a person publisher "…/#/schema/person/…" even where the node is missing.
    if ((publisherNode && typesOf(publisherNode).includes("Person")) || (typeof publisherId === "string" && /\/person\//.test(publisherId))) facts.personPublisher = true;
    else if (declaredPublisher) facts.siteNames.push(declaredPublisher);
    const language = firstString(node["inLanguage"]);
    if (language) facts.language = language;
    const main = node["mainEntityOfPage"];
    const url = firstString(node["url"]) ?? (isObject(main) ? firstString(main["@id"] ?? main["url"]) : firstString(main));
    if (url) facts.url = url;
    const description = firstString(node["description"]);
    if (description) facts.description = description;
    if (isFalse(node["isAccessibleForFree"])) facts.notFree = true;
    for (const part of asArray(node["hasPart"])) {
      if (isObject(part) && isFalse(part["isAccessibleForFree"])) facts.notFree = true;
    }
  }
  if (!facts.siteName && websiteName) facts.siteName = websiteName;
  if (!facts.published && !facts.modified) {
    if (pagePublished) facts.published = pagePublished;
    if (pageModified) facts.modified = pageModified;
  }
  return facts;
}
