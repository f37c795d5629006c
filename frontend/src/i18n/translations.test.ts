// Fails on any text missing in any language: every namespace has the same keys in en, fr and
// es, and no text is empty.
import { describe, expect, it } from "vitest";
import { LANGUAGES, NAMESPACES, resources } from "./index";

function keys(node: unknown, prefix = ""): string[] {
  if (typeof node !== "object" || node === null) return [prefix];
  return Object.entries(node).flatMap(([key, value]) => keys(value, prefix ? `${prefix}.${key}` : key));
}

function leaves(node: unknown): unknown[] {
  if (typeof node !== "object" || node === null) return [node];
  return Object.values(node).flatMap(leaves);
}

// i18next plural suffixes differ by language (fr/es have _many): compare the base keys.
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, "");

describe("translations", () => {
  const all = resources();
  it("has the namespaces of every page", () => {
    for (const ns of ["common", "errors", "status", "auth", "landing"]) expect(NAMESPACES).toContain(ns);
  });
  for (const ns of NAMESPACES) {
    it(`${ns}: the same keys in every language, none empty`, () => {
      const english = new Set(keys(all.en[ns]).map(base));
      for (const lng of LANGUAGES) {
        const here = new Set(keys(all[lng]?.[ns]).map(base));
        const missing = [...english].filter((k) => !here.has(k));
        const extra = [...here].filter((k) => !english.has(k));
        expect({ lng, missing, extra }).toEqual({ lng, missing: [], extra: [] });
        for (const text of leaves(all[lng][ns])) {
          expect(typeof text === "string" && text.trim().length > 0, `${lng}/${ns}: empty`).toBe(true);
        }
      }
    });
  }
});
