/** Organization settings (admins): the team, branding, how long recordings are kept, webhooks and API tokens. */
import { useContext, useEffect, useState } from "preact/hooks";
import { api, call, errorMessage, type Schemas } from "../../api/client";
import { MeContext } from "../../staff/StaffShell";
import { Alert, Loading, PageHeading } from "../../ui/components";
import { ApiTokensSection } from "./ApiTokens";
import { BrandingSection } from "./Branding";
import { StageNamesSection } from "./StageNames";
import { TeamSection } from "./Team";
import { WebhooksSection } from "./Webhooks";

function RetentionSection() {
  const [org, setOrg] = useState<Schemas["OrganizationOut"] | null>(null);
  const [keep, setKeep] = useState(true);
  const [days, setDays] = useState("");
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  function show(o: Schemas["OrganizationOut"]) {
    setOrg(o);
    setKeep(o.retention_days === null);
    setDays(o.retention_days === null ? "" : String(o.retention_days));
  }
  useEffect(() => {
    call(api.GET("/api/organization")).then(show, (err: unknown) => setError(errorMessage(err)));
  }, []);

  const n = Number(days);
  const problem = !keep && (!/^\d+$/.test(days.trim()) || n < 1 || n > 3650) ? "Enter a whole number of days from 1 to 3650." : null;

  async function save(e: Event) {
    e.preventDefault();
    setTried(true);
    setSaved(null);
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      const o = await call(api.PATCH("/api/organization", { body: { retention_days: keep ? null : n } }));
      show(o);
      setTried(false);
      setSaved(o.retention_days === null ? "Saved: recordings are kept until a candidate is erased." : `Saved: recordings are deleted ${o.retention_days} days after a candidate completes.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card settings-card" aria-labelledby="ret-h">
      <h2 id="ret-h">Data retention</h2>
      <p class="small muted">
        Recordings (video, audio, poster) are deleted this many days after the candidate completed; transcripts, scores and
        reviews stay. Erase a candidate entirely from their report.
      </p>
      {error && <Alert>{error}</Alert>}
      {saved && <Alert kind="success">{saved}</Alert>}
      {!org ? (
        <Loading />
      ) : (
        <form class="inline-form retention-form" onSubmit={save} noValidate aria-label="Data retention">
          <div class="check">
            <input id="keep" type="checkbox" checked={keep} onChange={(e) => setKeep(e.currentTarget.checked)} />
            <label for="keep">Keep recordings until a candidate is erased</label>
          </div>
          <div class="field field-narrow">
            <label for="ret-days">Delete recordings after (days)</label>
            <input id="ret-days" type="number" min={1} max={3650} value={days} disabled={keep}
              aria-invalid={tried && !!problem} onInput={(e) => setDays(e.currentTarget.value)} />
            {tried && problem && <span class="text-error small">{problem}</span>}
          </div>
          <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Saving…" : "Save retention"}</button>
        </form>
      )}
    </section>
  );
}

export function SettingsPage() {
  const me = useContext(MeContext);
  if (me && me.role !== "admin") {
    return (
      <>
        <PageHeading title="Settings">Settings</PageHeading>
        <Alert kind="info">Only admins can change the organization's settings.</Alert>
      </>
    );
  }
  return (
    <div class="settings-page">
      <PageHeading title="Settings">Settings</PageHeading>
      <p class="lead">{me?.organization_name}</p>
      <TeamSection />
      <BrandingSection />
      <RetentionSection />
      <StageNamesSection />
      <WebhooksSection />
      <ApiTokensSection />
    </div>
  );
}
