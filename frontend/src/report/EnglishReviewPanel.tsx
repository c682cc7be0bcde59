/** A person confirms or corrects the candidate's English level with a reason; the latest decision counts.
 * In blind review the AI's level appears only after the person has given theirs. */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { Alert, formatDateTime } from "../ui/components";
import { useSubmit } from "../ui/useApi";

type English = Schemas["EnglishOut"];
const LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"] as const;

export function EnglishReviewPanel(props: { invitationId: string; english: English; onSaved: (e: English) => void }) {
  const e = props.english;
  const [level, setLevel] = useState<string>(e.confirmed_level ?? e.band ?? "");
  const [reason, setReason] = useState("");
  const { submit: save, busy, error } = useSubmit(() =>
    call(api.POST("/api/reports/invitations/{invitation_id}/english", {
      params: { path: { invitation_id: props.invitationId } },
      body: { level, reason },
    })),
  );

  async function submit(ev: Event) {
    ev.preventDefault();
    const out = await save();
    if (!out) return;
    setReason("");
    props.onSaved(out);
  }

  const agreeLabel = e.band && !e.ai_withheld ? `Confirm ${e.band}` : "Save level";
  return (
    <section class="card english-review no-print" aria-labelledby="eng-rev-h">
      <h2 id="eng-rev-h">Your English level for this candidate</h2>
      <p class="small muted">
        {e.ai_withheld
          ? "Blind review: give your own level first; the AI's level is shown once you have."
          : "Listen to the answers, then confirm the AI's level or correct it. The latest decision is the one the report shows."}
      </p>
      {error && <Alert>{error}</Alert>}
      <form class="english-review-form" onSubmit={submit}>
        <label>
          Level{" "}
          <select value={level} onChange={(ev) => setLevel((ev.target as HTMLSelectElement).value)} required>
            <option value="" disabled>Choose…</option>
            {LEVELS.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <label class="grow">
          Reason{" "}
          <input
            type="text"
            value={reason}
            maxLength={2000}
            required
            placeholder="What you heard, e.g. fluent with a few grammar slips"
            onInput={(ev) => setReason((ev.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy || !level || !reason.trim()}>
          {level && e.band && !e.ai_withheld && level !== e.band ? `Correct to ${level}` : agreeLabel}
        </button>
      </form>
      {e.confirmed_at && (
        <p class="small muted">
          Last decided {formatDateTime(e.confirmed_at)}{e.confirmed_by ? ` by ${e.confirmed_by}` : ""} ({e.confirmations}{" "}
          decision{e.confirmations === 1 ? "" : "s"} so far).
        </p>
      )}
    </section>
  );
}
