import { DOMParser } from "linkedom";
import { describe, expect, it } from "vitest";

/**
 * patches/linkedom+*.patch makes linkedom create a node's listener map on the first
 * addEventListener instead of in every node's constructor (a WeakMap entry and a Map per node
 * were a fifth of extraction time). Events must still work on parsed nodes.
 */
const neverAdded = (): void => {};

describe("linkedom with lazy listener maps", () => {
  const doc = new DOMParser().parseFromString("<html><body><div id=a><p id=b>Text</p></div><span id=c></span></body></html>", "text/html");
  const outer = doc.getElementById("a");
  const inner = doc.getElementById("b");

  it("delivers an event to a listener, bubbling to the parent, and stops after removal", () => {
    const seen: string[] = [];
    const onInner = () => seen.push("inner");
    const onOuter = () => seen.push("outer");
    inner?.addEventListener("ping", onInner);
    outer?.addEventListener("ping", onOuter);
    inner?.dispatchEvent(new doc.defaultView.Event("ping", { bubbles: true }));
    expect(seen).toEqual(["inner", "outer"]);
    inner?.removeEventListener("ping", onInner);
    inner?.dispatchEvent(new doc.defaultView.Event("ping", { bubbles: true }));
    expect(seen).toEqual(["inner", "outer", "outer"]);
  });

  it("removes a listener from a node that never had one without throwing", () => {
    const fresh = doc.getElementById("c");
    expect(() => fresh?.removeEventListener("ping", neverAdded)).not.toThrow();
    expect(fresh?.dispatchEvent(new doc.defaultView.Event("ping", {}))).toBe(true);
  });
});
