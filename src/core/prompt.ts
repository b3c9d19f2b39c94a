import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Versioned prompt templates kept as markdown in `prompts/<name>.md`.
 *
 * A template may hold several parts, each introduced by a line `<!-- section: NAME -->`
 * (text before the first marker documents the prompt and is never sent). Placeholders are
 * `{{var}}`; rendering is a single pass, so a value that itself contains `{{…}}` (article text)
 * is inserted verbatim and never expanded.
 */
export interface Prompt {
  name: string;
  /** "<name>@<first 12 hex of sha256(file content)>": stored with every result. */
  version: string;
  template: string;
}

export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL("../../prompts/", import.meta.url));

const PROMPT_NAME = /^[a-z0-9][a-z0-9-]*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const SECTION_MARKER = /^<!--\s*section:\s*([a-z0-9-]+)\s*-->[ \t]*$/gm;

export function promptVersion(name: string, content: string): string {
  return `${name}@${createHash("sha256").update(content, "utf8").digest("hex").slice(0, 12)}`;
}

export function loadPrompt(name: string, dir: string = DEFAULT_PROMPTS_DIR): Prompt {
  if (!PROMPT_NAME.test(name)) throw new Error(`Invalid prompt name "${name}"`);
  const path = `${dir.replace(/\/+$/, "")}/${name}.md`;
  const template = readFileSync(path, "utf8");
  return { name, version: promptVersion(name, template), template };
}

/** Replaces every `{{var}}`; a placeholder without a value is a bug in the caller, so it throws. */
export function renderPrompt(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`Prompt variable "${key}" has no value`);
    return String(value);
  });
}

/** Splits a template into its `<!-- section: NAME -->` parts, each trimmed. */
export function promptSections(template: string): Record<string, string> {
  const markers = [...template.matchAll(SECTION_MARKER)];
  const sections: Record<string, string> = {};
  markers.forEach((marker, i) => {
    const name = marker[1] ?? "";
    if (name in sections) throw new Error(`Prompt section "${name}" appears twice`);
    const start = marker.index + marker[0].length;
    const end = markers[i + 1]?.index ?? template.length;
    sections[name] = template.slice(start, end).trim();
  });
  return sections;
}

export function promptSection(prompt: Prompt, section: string): string {
  const text = promptSections(prompt.template)[section];
  if (text === undefined) throw new Error(`Prompt ${prompt.name} has no section "${section}"`);
  return text;
}
