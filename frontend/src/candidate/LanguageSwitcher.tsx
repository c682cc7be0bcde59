/** The candidate's language choice, in the brand bar of every candidate page (remembered here). */
import { LANGUAGES, chooseLanguage, useT, type LanguageCode } from "../i18n";

export function LanguageSwitcher() {
  const { t, lang } = useT();
  return (
    <div class="language-switcher">
      <label for="candidate-language">{t("common.language")}</label>
      <select
        id="candidate-language"
        value={lang}
        onChange={(e) => chooseLanguage(e.currentTarget.value as LanguageCode)}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}
