/**
 * Whose interview this is, on every candidate page: the organization's logo and name at the top,
 * its accent colour on buttons and progress, and how to reach it (help, accommodations, privacy
 * policy) at the bottom. Defaults when the organization set none.
 */
import type { ComponentChildren } from "preact";
import type { Schemas } from "../api/client";
import { useT } from "../i18n";
import { Rich } from "../i18n/rich";
import { LanguageSwitcher } from "./LanguageSwitcher";

type Brand = Schemas["CandidateBranding"];

/** Past this many characters a name gets a line of its own on a phone, under the logo and language. */
const LONG_NAME = 24;

/** A readable text colour on the accent (WCAG relative luminance). */
function onAccent(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return lum > 0.35 ? "#111111" : "#ffffff";
}

export function BrandFrame(props: { token: string; brand: Brand; children: ComponentChildren }) {
  const { brand } = props;
  const { t } = useT();
  const style = brand.accent_color
    ? ({ "--primary": brand.accent_color, "--primary-hover": brand.accent_color, "--on-primary": onAccent(brand.accent_color) } as Record<string, string>)
    : undefined;
  return (
    <div class="brand-frame" style={style}>
      <div class="brand-bar">
        <div class={brand.organization_name.length > LONG_NAME ? "brand-inner brand-long-name" : "brand-inner"}>
          {brand.logo_version !== null && brand.logo_version !== undefined ? (
            <img
              class="brand-logo"
              src={`/api/candidate/${props.token}/logo?v=${brand.logo_version}`}
              alt=""
            />
          ) : null}
          {/* At most two lines: the whole name stays in the text, the title and the footer. */}
          <span class="brand-name" title={brand.organization_name}>
            {brand.organization_name}
          </span>
          <LanguageSwitcher />
        </div>
      </div>
      {props.children}
      <footer class="brand-footer">
        <p>
          <Rich text={t("brand.runBy", { organization: brand.organization_name })} />
          {brand.contact_email && (
            <>
              {" "}
              <Rich
                text={t("brand.help", { email: brand.contact_email })}
                tags={{ link: (email) => <a href={`mailto:${brand.contact_email}`}>{email}</a> }}
              />
            </>
          )}
          {brand.privacy_url && (
            <>
              {" "}
              <a href={brand.privacy_url} target="_blank" rel="noopener noreferrer">
                {t("brand.privacy")}
              </a>
            </>
          )}
        </p>
      </footer>
    </div>
  );
}
