import { describe, expect, it } from "vitest";
import { decodeHtmlBytes } from "../src/adapters/fetch/charset.ts";

const latin1 = (text: string) => Uint8Array.from(text, (c) => (c === "€" ? 0x80 : c.charCodeAt(0)));

describe("decoding saved pages", () => {
  it("reads undeclared non-UTF-8 bytes as windows-1252", () => {
    const decoded = decodeHtmlBytes(latin1("<p>Kursgewinne für Börsen: 5 € mehr</p>"));
    expect(decoded.text).toBe("<p>Kursgewinne für Börsen: 5 € mehr</p>");
    expect(decoded.source).toBe("fallback");
  });

  it("keeps undeclared valid UTF-8 as UTF-8", () => {
    const decoded = decodeHtmlBytes(new TextEncoder().encode("<p>Kursgewinne für Börsen: 5 € mehr</p>"));
    expect(decoded.text).toBe("<p>Kursgewinne für Börsen: 5 € mehr</p>");
    expect(decoded.encoding).toBe("utf-8");
  });

  it("follows a declared charset even when the bytes would pass as UTF-8", () => {
    const decoded = decodeHtmlBytes(latin1('<meta charset="iso-8859-1"><p>Gr\u00fc\u00dfe</p>'));
    expect(decoded.text).toContain("Grüße");
    expect(decoded.source).toBe("meta");
  });
});
