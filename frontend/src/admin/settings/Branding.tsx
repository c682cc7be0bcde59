/** How candidates see the organization: logo, accent colour, welcome text, contacts (admins). */
import { useEffect, useState } from "preact/hooks";
import { api, call, errorMessage, type Schemas } from "../../api/client";
import { Alert, Loading } from "../../ui/components";

type Brand = Schemas["BrandingOut"];

export function BrandingSection() {
  const [brand, setBrand] = useState<Brand | null>(null);
  const [accent, setAccent] = useState("");
  const [welcome, setWelcome] = useState("");
  const [email, setEmail] = useState("");
  const [privacy, setPrivacy] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  function show(b: Brand) {
    setBrand(b);
    setAccent(b.accent_color ?? "");
    setWelcome(b.welcome_text);
    setEmail(b.contact_email ?? "");
    setPrivacy(b.privacy_url ?? "");
  }
  useEffect(() => {
    call(api.GET("/api/organization/branding")).then(show, (err: unknown) => setError(errorMessage(err)));
  }, []);

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      show(
        await call(
          api.PUT("/api/organization/branding", {
            body: {
              accent_color: accent.trim() || null,
              welcome_text: welcome,
              contact_email: email.trim() || null,
              privacy_url: privacy.trim() || null,
            },
          }),
        ),
      );
      setSaved("Saved: candidates see this on every page of their interview.");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function upload(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const b = await call(
        api.PUT("/api/organization/branding/logo", {
          body: file as never,
          bodySerializer: (body: unknown) => body as BodyInit,
          headers: { "content-type": file.type || "application/octet-stream" },
        }),
      );
      show(b);
      setSaved("Logo saved.");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function removeLogo() {
    setBusy(true);
    setError(null);
    try {
      show(await call(api.DELETE("/api/organization/branding/logo")));
      setSaved("Logo removed.");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
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
            <label for="brand-logo">Logo (PNG, at most 512 KiB)</label>
            <div class="actions-row">
              <input
                id="brand-logo"
                type="file"
                accept="image/png"
                disabled={busy}
                onChange={(e) => void upload(e.currentTarget.files?.[0])}
              />
              {brand.has_logo && (
                <button type="button" class="btn btn-small" disabled={busy} onClick={removeLogo}>
                  Remove logo
                </button>
              )}
            </div>
          </div>
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
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? "Saving…" : "Save branding"}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
