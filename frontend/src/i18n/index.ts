// i18next with one JSON file per namespace and language: src/i18n/locales/<lng>/<ns>.json.
// A page adds its own namespace by adding that file in all three languages: nothing to
// register here (the glob finds it), and the translation test checks every key in each.
import i18n, { type Resource } from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";

export const LANGUAGES = ["en", "fr", "es"] as const;
export type UiLanguage = (typeof LANGUAGES)[number];

const files = import.meta.glob<{ default: Record<string, unknown> }>("./locales/*/*.json", {
  eager: true,
});

export function resources(): Resource {
  const out: Resource = {};
  for (const [path, module] of Object.entries(files)) {
    const match = /\.\/locales\/(\w+)\/([\w-]+)\.json$/.exec(path);
    if (!match) continue;
    const [, lng, ns] = match;
    out[lng] = { ...(out[lng] ?? {}), [ns]: module.default };
  }
  return out;
}

export const NAMESPACES = [...new Set(Object.keys(files).map((p) => p.split("/").pop()!.replace(".json", "")))];

export function setupI18n(lng?: string) {
  if (!i18n.isInitialized) {
    void i18n
      .use(LanguageDetector)
      .use(initReactI18next)
      .init({
        resources: resources(),
        lng,
        ns: NAMESPACES,
        defaultNS: "common",
        fallbackLng: "en",
        supportedLngs: [...LANGUAGES],
        nonExplicitSupportedLngs: true,
        interpolation: { escapeValue: false },
        detection: { order: ["localStorage", "navigator"], caches: ["localStorage"], lookupLocalStorage: "lang" },
        returnNull: false,
      });
    i18n.on("languageChanged", (lang) => {
      document.documentElement.lang = lang.slice(0, 2);
    });
    document.documentElement.lang = (i18n.resolvedLanguage ?? "en").slice(0, 2);
  }
  return i18n;
}

export function currentLanguage(): UiLanguage {
  const lang = (i18n.resolvedLanguage ?? i18n.language ?? "en").slice(0, 2);
  return (LANGUAGES as readonly string[]).includes(lang) ? (lang as UiLanguage) : "en";
}

export default i18n;
