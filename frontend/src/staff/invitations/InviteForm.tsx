/** Invite one candidate: name, email, optional extra time; the link is shown once. */
import { useState } from "preact/hooks";
import { api, call } from "../../api/client";
import { Alert } from "../../ui/components";
import { useSubmit } from "../../ui/useApi";
import { type Invited } from "./types";

export function InviteForm(props: { assessmentId: string; onCreated: (c: Invited) => void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [extra, setExtra] = useState("0");
  const [days, setDays] = useState("14");
  const { submit: invite, busy, error } = useSubmit(() =>
    call(
      api.POST("/api/assessments/{assessment_id}/invitations", {
        params: { path: { assessment_id: props.assessmentId } },
        body: {
          candidate_name: name.trim(),
          candidate_email: email.trim(),
          expires_in_days: days ? Number(days) : null,
          accommodations: { extra_time_pct: Number(extra) || 0 },
        },
      }),
    ),
  );

  async function submit(event: Event) {
    event.preventDefault();
    const created = await invite();
    if (!created) return;
    setName("");
    setEmail("");
    setExtra("0");
    props.onCreated(created);
  }

  return (
    <form class="card invite-form" onSubmit={submit} aria-labelledby="invite-h">
      <h3 id="invite-h">Invite a candidate</h3>
      <div class="form-grid">
        <div class="field">
          <label for="cand-name">Name</label>
          <input id="cand-name" required maxLength={200} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="cand-email">Email</label>
          <input id="cand-email" type="email" required maxLength={320} autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <div class="field field-narrow">
          <label for="cand-extra">Extra time %</label>
          <input id="cand-extra" type="number" inputMode="numeric" min={0} max={200} step={5} aria-describedby="cand-extra-help" value={extra} onInput={(e) => setExtra(e.currentTarget.value)} />
          <span id="cand-extra-help" class="help">For accommodations, e.g. 50</span>
        </div>
        <div class="field field-narrow">
          <label for="cand-days">Link valid (days)</label>
          <input id="cand-days" type="number" inputMode="numeric" min={1} max={90} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
        </div>
      </div>
      {error && <Alert>{error}</Alert>}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? "Inviting…" : "Create invitation link"}
      </button>
    </form>
  );
}
