/** Organization settings (admins): the team, branding, how long recordings are kept, webhooks and API tokens. */
import { useContext, useEffect, useState } from "preact/hooks";
import { api, call } from "../../api/client";
import { MeContext } from "../../staff/StaffShell";
import { Alert, Loading, PageHeading } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";
import { ApiTokensSection } from "./ApiTokens";
import { BrandingSection } from "./Branding";
import { EmailSection } from "./EmailTemplates";
import { StageNamesSection } from "./StageNames";
import { TeamSection } from "./Team";
import { WebhooksSection } from "./Webhooks";

function RetentionSection() {
  const { data: org, error: loadError, setData: setOrg } = useApi(() => call(api.GET("/api/organization")), []);
  const [keep, setKeep] = useState(true);
  const [days, setDays] = useState("");
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const saving = useSubmit((retention_days: number | null) => call(api.PATCH("/api/organization", { body: { retention_days } })));
  const error = loadError ?? saving.error;
  const busy = saving.busy;

  useEffect(() => {
    if (!org) return;
    setKeep(org.retention_days === null);
    setDays(org.retention_days === null ? "" : String(org.retention_days));
  }, [org]);

  const n = Number(days);
  const problem = !keep && (!/^\d+$/.test(days.trim()) || n < 1 || n > 3650) ? "Enter a whole number of days from 1 to 3650." : null;

  async function save(e: Event) {
    e.preventDefault();
    setTried(true);
    setSaved(null);
    if (problem) return;
    const o = await saving.submit(keep ? null : n);
    if (!o) return;
    setOrg(o);
    setTried(false);
    setSaved(o.retention_days === null ? "Saved: recordings are kept until a candidate is erased." : `Saved: recordings are deleted ${o.retention_days} days after a candidate completes.`);
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
      <EmailSection />
      <RetentionSection />
      <StageNamesSection />
      <WebhooksSection />
      <ApiTokensSection />
    </div>
  );
}
