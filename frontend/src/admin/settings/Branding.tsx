/** How candidates see the organization: logo, accent colour, welcome text, contacts (admins). */
import { useEffect, useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { LANGUAGES, type LanguageCode } from "../../i18n/languages";
import { Alert, Loading } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";
import { WelcomeVideo } from "./WelcomeVideo";

type Brand = Schemas["BrandingOut"];

export function BrandingSection() {
  const { data: brand, error: loadError, setData: setBrand } = useApi(() => call(api.GET("/api/organization/branding")), []);
  const [accent, setAccent] = useState("");
  const [welcome, setWelcome] = useState("");
  const [email, setEmail] = useState("");
  const [privacy, setPrivacy] = useState("");
  const [language, setLanguage] = useState<LanguageCode>("en");
  const [saved, setSaved] = useState<string | null>(null);
  // Each change answers the whole branding, shown as it is now.
  const change = useSubmit((request: () => Promise<Brand>) => request());
  const error = loadError ?? change.error;
  const busy = change.busy;

  useEffect(() => {
    if (!brand) return;
    setAccent(brand.accent_color ?? "");
    setWelcome(brand.welcome_text);
    setEmail(brand.contact_email ?? "");
    setPrivacy(brand.privacy_url ?? "");
    setLanguage(brand.default_language);
  }, [brand]);

  async function apply(request: () => Promise<Brand>, message: string) {
    setSaved(null);
    const b = await change.submit(request);
    if (!b) return;
    setBrand(b);
    setSaved(message);
  }

  function save(e: Event) {
    e.preventDefault();
    const body = {
      accent_color: accent.trim() || null,
      welcome_text: welcome,
      contact_email: email.trim() || null,
      privacy_url: privacy.trim() || null,
      default_language: language,
    };
    void apply(
      () => call(api.PUT("/api/organization/branding", { body })),
      "Saved: candidates see this on every page of their interview.",
    );
  }

  function upload(file: File | undefined) {
    if (!file) return;
    void apply(
      () =>
        call(
          api.PUT("/api/organization/branding/logo", {
            body: file as never,
            bodySerializer: (body: unknown) => body as BodyInit,
            headers: { "content-type": file.type || "application/octet-stream" },
          }),
        ),
      "Logo saved.",
    );
  }

  function removeLogo() {
    void apply(() => call(api.DELETE("/api/organization/branding/logo")), "Logo removed.");
  }

  return (
    <section class="card settings-card" aria-labelledby="brand-h">
      <h2 id="brand-h">Branding for candidates</h2>
      <p class="small muted">
        Candidates see your name and logo on every page of their interview and in their emails, with your contact for
        help and accommodations. Without a logo, your organization’s name is shown.
      </p>
      {error && <Alert>{error}</Alert>}
      {saved && <Alert kind="success">{saved}</Alert>}
      {!brand ? (
        <Loading />
      ) : (
        <>
          <div class="brand-preview">
            {brand.has_logo ? (
              <img src={`/api/organization/branding/logo?v=${brand.logo_version}`} alt={`${brand.organization_name} logo`} />
            ) : (
              <span class="muted small">No logo yet.</span>
            )}
            <strong>{brand.organization_name}</strong>
          </div>
          <div class="field">
            <label for="brand-logo">Logo (PNG or SVG, at most 512 KiB)</label>
            <div class="actions-row">
              <input
                id="brand-logo"
                type="file"
                accept="image/png,image/svg+xml,.svg"
                disabled={busy}
                onChange={(e) => upload(e.currentTarget.files?.[0])}
              />
              {brand.has_logo && (
                <button type="button" class="btn btn-small" disabled={busy} onClick={removeLogo}>
                  Remove logo
                </button>
              )}
            </div>
          </div>
          <WelcomeVideo
            brand={brand}
            busy={busy}
            onChange={(b, message) => {
              setBrand(b);
              setSaved(message);
            }}
          />
          <form onSubmit={save} noValidate aria-label="Branding">
            <div class="field field-narrow">
              <label for="brand-accent">Accent colour (#RRGGBB, empty for the default)</label>
              <input id="brand-accent" type="text" value={accent} placeholder="#1f4fd1" onInput={(e) => setAccent(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="brand-welcome">Welcome text on the first page</label>
              <textarea id="brand-welcome" rows={3} maxLength={2000} value={welcome} onInput={(e) => setWelcome(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="brand-email">Contact email for help and accommodations</label>
              <input id="brand-email" type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="brand-privacy">Privacy policy link</label>
              <input id="brand-privacy" type="url" value={privacy} placeholder="https://" onInput={(e) => setPrivacy(e.currentTarget.value)} />
            </div>
            <div class="field field-narrow">
              <label for="brand-language">Language of the candidate pages (candidates can switch)</label>
              <select id="brand-language" value={language} onChange={(e) => setLanguage(e.currentTarget.value as LanguageCode)}>
                {LANGUAGES.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.name}
                  </option>
                ))}
              </select>
              <p class="small muted">Answers are still expected in English.</p>
            </div>
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? "Saving…" : "Save branding"}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
