import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPrompt, promptSection, promptSections, promptVersion, renderPrompt } from "../src/core/prompt.ts";

describe("renderPrompt", () => {
  it("fills placeholders in one pass, so values are never expanded", () => {
    expect(renderPrompt("Hi {{ name }}, {{text}}!", { name: "Ada", text: "{{name}} stays" })).toBe("Hi Ada, {{name}} stays!");
  });

  it("throws on a placeholder without a value", () => {
    expect(() => renderPrompt("{{missing}}", {})).toThrow(/missing/);
  });
});

describe("loadPrompt", () => {
  it("versions a prompt by its content", () => {
    const dir = mkdtempSync(join(tmpdir(), "prompts-"));
    writeFileSync(join(dir, "x.md"), "one");
    const first = loadPrompt("x", dir);
    expect(first.version).toBe(promptVersion("x", "one"));
    expect(first.version).toMatch(/^x@[0-9a-f]{12}$/);
    writeFileSync(join(dir, "x.md"), "two");
    expect(loadPrompt("x", dir).version).not.toBe(first.version);
  });

  it("rejects names that could leave the prompts folder", () => {
    expect(() => loadPrompt("../package")).toThrow(/Invalid prompt name/);
  });

  it("splits sections and ignores the documentation before the first one", () => {
    const sections = promptSections("doc\n<!-- section: system -->\nA {{x}}\n<!-- section: user -->\nB\n");
    expect(sections).toEqual({ system: "A {{x}}", user: "B" });
  });

  it("ships prompts/brief.md with the sections the engine uses", () => {
    const brief = loadPrompt("brief");
    expect(Object.keys(promptSections(brief.template)).toSorted()).toEqual(["repair", "system", "truncated", "user"]);
    expect(promptSection(brief, "user")).toContain("<article>\n{{articleText}}\n</article>");
  });
});
