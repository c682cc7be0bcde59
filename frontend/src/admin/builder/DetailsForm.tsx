/** Title, role, intro, status and review settings of an assessment (PATCH). */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { Alert } from "../../ui/components";
import { useSubmit } from "../../ui/useApi";

type Assessment = Schemas["AssessmentOut"];
type Settings = Schemas["AssessmentSettings"];
const CEFR = ["A1", "A2", "B1", "B2", "C1", "C2"] as const;


export function DetailsForm(props: { assessment: Assessment; onSaved: (a: Assessment) => void }) {
  const a = props.assessment;
  const [title, setTitle] = useState(a.title);
  const [role, setRole] = useState(a.role);
  const [intro, setIntro] = useState(a.intro);
  const [status, setStatus] = useState<Schemas["AssessmentStatus"]>(a.status);
  const [settings, setSettings] = useState<Settings>(a.settings);
  const [saved, setSaved] = useState(false);
  const { submit, busy, error } = useSubmit(() =>
    call(api.PATCH("/api/assessments/{assessment_id}", {
      params: { path: { assessment_id: a.id } },
      body: { title: title.trim(), role: role.trim(), intro, status, settings },
    })),
  );
  const set = (change: Partial<Settings>) => {
    setSaved(false);
    setSettings({ ...settings, ...change });
  };

  async function save(event: Event) {
    event.preventDefault();
    setSaved(false);
    const out = await submit();
    if (out) {
      setSaved(true);
      props.onSaved(out);
    }
  }

  return (
    <form class="card details-form" onSubmit={save} aria-label="Details and settings">
      <div class="details-grid">
        <div class="field">
          <label for="a-title">Title</label>
          <input id="a-title" required maxLength={200} value={title} onInput={(e) => { setSaved(false); setTitle(e.currentTarget.value); }} />
        </div>
        <div class="field">
          <label for="a-role">Role</label>
          <input id="a-role" required maxLength={200} value={role} onInput={(e) => { setSaved(false); setRole(e.currentTarget.value); }} />
        </div>
      </div>
      <div class="field">
        <label for="a-intro">Introduction for candidates</label>
        <textarea id="a-intro" class="short" maxLength={10000} value={intro} onInput={(e) => { setSaved(false); setIntro(e.currentTarget.value); }} />
      </div>
      <div class="settings-grid">
        <div class="field">
          <label for="a-status">Status</label>
          <select id="a-status" value={status} aria-describedby="a-status-help" onChange={(e) => { setSaved(false); setStatus(e.currentTarget.value as Schemas["AssessmentStatus"]); }}>
            <option value="draft">Draft</option>
            <option value="active">Active</option>
            <option value="archived">Archived</option>
          </select>
          <span id="a-status-help" class="help">Only active assessments can invite candidates.</span>
        </div>
        <div class="field">
          <label for="a-reviews">Reviewers per answer</label>
          <select id="a-reviews" value={String(settings.reviews_per_response)} onChange={(e) => set({ reviews_per_response: Number(e.currentTarget.value) })}>
            <option value="1">1</option>
            <option value="2">2</option>
            <option value="3">3</option>
          </select>
        </div>
        <div class="field">
          <label for="a-english">English threshold (CEFR)</label>
          <select id="a-english" value={settings.english_threshold} onChange={(e) => set({ english_threshold: e.currentTarget.value })}>
            {CEFR.map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="a-interval">Score interval level</label>
          <input id="a-interval" type="number" min={0.5} max={0.99} step={0.01} aria-describedby="a-interval-help" value={settings.interval_level} onInput={(e) => set({ interval_level: Number(e.currentTarget.value) })} />
          <span id="a-interval-help" class="help">0.5–0.99; 0.8 shows 80% intervals</span>
        </div>
      </div>
      <div class="check">
        <input id="a-blind" type="checkbox" checked={settings.blind_review} aria-describedby="a-blind-help" onChange={(e) => set({ blind_review: e.currentTarget.checked })} />
        <div>
          <label for="a-blind">Blind review</label>
          <p id="a-blind-help" class="help">Reviewers score before they see the AI's suggestion.</p>
        </div>
      </div>
      <fieldset class="reminder-settings">
        <legend>Automatic reminders</legend>
        <div class="check">
          <input id="a-reminders" type="checkbox" checked={settings.reminders ?? true} aria-describedby="a-reminders-help" onChange={(e) => set({ reminders: e.currentTarget.checked })} />
          <div>
            <label for="a-reminders">Remind candidates by email</label>
            <p id="a-reminders-help" class="help">One email per rule, only when the server sends email; every reminder has an opt-out link.</p>
          </div>
        </div>
        <div class="details-grid">
          <div class="field">
            <label for="a-remind-start">Not started after (days)</label>
            <input id="a-remind-start" type="number" min={0} max={90} disabled={!(settings.reminders ?? true)} aria-describedby="a-remind-start-help" value={settings.remind_not_started_days ?? 3} onInput={(e) => set({ remind_not_started_days: Number(e.currentTarget.value) })} />
            <span id="a-remind-start-help" class="help">0 turns this reminder off</span>
          </div>
          <div class="field">
            <label for="a-remind-expiry">Not finished, days before the link expires</label>
            <input id="a-remind-expiry" type="number" min={0} max={90} disabled={!(settings.reminders ?? true)} aria-describedby="a-remind-expiry-help" value={settings.remind_before_expiry_days ?? 2} onInput={(e) => set({ remind_before_expiry_days: Number(e.currentTarget.value) })} />
            <span id="a-remind-expiry-help" class="help">0 turns this reminder off</span>
          </div>
        </div>
      </fieldset>
      {error && <Alert>{error}</Alert>}
      {saved && <Alert kind="success">Details saved.</Alert>}
      <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Saving…" : "Save details"}</button>
    </form>
  );
}
