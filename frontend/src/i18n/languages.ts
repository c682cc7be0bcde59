/** The languages the candidate pages are translated into (no side effects: staff pages import it). */
export type LanguageCode = "en" | "es" | "pt";

/** Each named in itself, as a switcher shows them. */
export const LANGUAGES: ReadonlyArray<{ code: LanguageCode; name: string }> = [
  { code: "en", name: "English" },
  { code: "es", name: "Español" },
  { code: "pt", name: "Português" },
];

export function isLanguage(code: string | null | undefined): code is LanguageCode {
  return !!code && LANGUAGES.some((l) => l.code === code);
}
