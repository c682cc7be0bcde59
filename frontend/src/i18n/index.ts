/**
 * The candidate pages' languages: i18next with one JSON catalog per language (locales/<code>.json,
 * English the source and the fallback). Adding a language: a catalog with every key of en.json
 * (tests/unit/frontend/test_i18n_catalogs.py checks it), an entry in LANGUAGES, and the code in the
 * server's `Language` (server/domain/branding/schemas.py) so an organization can choose it.
 *
 * The language is the candidate's own choice (remembered in this browser), else the organization's
 * default, else the browser's language before the organization is known. `<html lang>` follows it
 * on candidate pages (useDocumentLanguage).
 */
import i18next from "i18next";
import { useEffect, useState } from "preact/hooks";
import en from "./locales/en.json";
import es from "./locales/es.json";
import pt from "./locales/pt.json";
import { LANGUAGES, isLanguage, type LanguageCode } from "./languages";

export { LANGUAGES, type LanguageCode } from "./languages";

export type Catalog = typeof en;

// Each translation has the shape of the English catalog (a missing key fails `tsc`).
const catalogs: Record<LanguageCode, Catalog> = { en, es, pt };

declare module "i18next" {
  interface CustomTypeOptions {
    resources: { translation: Catalog };
  }
}

const STORAGE_KEY = "viva:language";

function stored(): LanguageCode | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLanguage(v) ? v : null;
  } catch {
    return null;
  }
}

function fromBrowser(): LanguageCode | null {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const code = tag.slice(0, 2).toLowerCase();
    if (isLanguage(code)) return code;
  }
  return null;
}

void i18next.init({
  resources: Object.fromEntries(Object.entries(catalogs).map(([code, translation]) => [code, { translation }])),
  lng: stored() ?? fromBrowser() ?? "en",
  fallbackLng: "en",
  supportedLngs: LANGUAGES.map((l) => l.code),
  interpolation: { escapeValue: false }, // Preact escapes what it renders
  initAsync: false,
  returnNull: false,
});

export const t = i18next.t.bind(i18next);

export function currentLanguage(): LanguageCode {
  const lng = i18next.resolvedLanguage ?? i18next.language;
  return isLanguage(lng) ? lng : "en";
}

/** The candidate picked a language: show it now and remember it in this browser. */
export function chooseLanguage(code: LanguageCode): void {
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    /* private mode: the choice lasts for this page */
  }
  void i18next.changeLanguage(code);
}

/** Once the organization is known: its default language, unless the candidate chose one. */
export function useOrganizationLanguage(defaultLanguage: string | null | undefined): void {
  useEffect(() => {
    const code = stored() ?? (isLanguage(defaultLanguage) ? defaultLanguage : null);
    if (code && code !== i18next.language) void i18next.changeLanguage(code);
  }, [defaultLanguage]);
}

/** A candidate page is showing: `<html lang>` is its language (staff pages stay English). */
export function useDocumentLanguage(): void {
  useEffect(() => {
    const set = () => {
      document.documentElement.lang = currentLanguage();
    };
    set();
    i18next.on("languageChanged", set);
    return () => {
      i18next.off("languageChanged", set);
      document.documentElement.lang = "en";
    };
  }, []);
}

/** Re-render on a language change; returns the translate function and the language. */
export function useT(): { t: typeof t; lang: LanguageCode } {
  const [lang, setLang] = useState<LanguageCode>(currentLanguage());
  useEffect(() => {
    const on = () => setLang(currentLanguage());
    i18next.on("languageChanged", on);
    return () => i18next.off("languageChanged", on);
  }, []);
  return { t, lang };
}
