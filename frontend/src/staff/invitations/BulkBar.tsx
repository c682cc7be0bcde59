/** Bulk actions on the selected candidates: advance, hold, reject, remind, extend, export; a
 * confirmation that names how many, then what happened to each candidate. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { Alert } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";
import { reasonLabel } from "../stages/names";

export type BulkAction = Schemas["BulkIn"]["action"];
export type BulkResult = Schemas["BulkOut"];

const DECISION_OF: Partial<Record<BulkAction, string>> = { advance: "advanced", hold: "on_hold", reject: "rejected" };
const VERB: Record<BulkAction, string> = {
  advance: "Advance", hold: "Put on hold", reject: "Reject", clear: "Clear the decision of", remind: "Remind", extend: "Extend the deadline of",
};

function plural(n: number): string {
  return `${n} candidate${n === 1 ? "" : "s"}`;
}

export function BulkBar(props: {
  assessmentId: string;
  selected: string[];
  isAdmin: boolean;
  canDecide: boolean;
  names: Record<string, string>;
  onDone: (result: BulkResult) => void;
  onClear: () => void;
}) {
  const [action, setAction] = useState<BulkAction | null>(null);
  const [reason, setReason] = useState("");
  const [note, setNote] = useState("");
  const [days, setDays] = useState("7");
  const reasons = useApi(() => call(api.GET("/api/decision-reasons")), []);
  const run = useSubmit((body: Schemas["BulkIn"]) =>
    call(api.POST("/api/assessments/{assessment_id}/invitations/bulk", { params: { path: { assessment_id: props.assessmentId } }, body })),
  );
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (action) cancel.current?.focus();
  }, [action]);
  const n = props.selected.length;
  const decision = action ? DECISION_OF[action] : undefined;
  const options = decision ? reasons.data?.reasons[decision] ?? [] : [];
  const exportHref = (format: "csv" | "json") =>
    `/api/reports/assessments/${props.assessmentId}/export?format=${format}&ids=${props.selected.join(",")}`;

  function open(a: BulkAction) {
    setAction(a);
    setReason("");
    setNote("");
    run.setError(null);
  }

  async function confirm() {
    if (!action) return;
    const body: Schemas["BulkIn"] = { action, invitation_ids: props.selected };
    if (decision) {
      body.reason = reason;
      if (note.trim()) body.note = note.trim();
    }
    if (action === "extend") body.days = Number(days);
    const out = await run.submit(body);
    if (out) {
      setAction(null);
      props.onDone(out);
    }
  }

  const needsNote = reason === "other" && !note.trim();
  const ready = !run.busy && (!decision || (reason && !needsNote)) && (action !== "extend" || (Number(days) >= 1 && Number(days) <= 90));

  return (
    <div class="bulk-bar" role="region" aria-label="Bulk actions">
      <div class="bulk-row">
        <strong class="bulk-count">{plural(n)} selected</strong>
        {props.canDecide && (
          <>
            <button type="button" class="btn btn-small" onClick={() => open("advance")}>{props.names.advanced ?? "Advance"}</button>
            <button type="button" class="btn btn-small" onClick={() => open("hold")}>{props.names.on_hold ?? "On hold"}</button>
            <button type="button" class="btn btn-small btn-danger" onClick={() => open("reject")}>{props.names.rejected ?? "Reject"}</button>
            <button type="button" class="btn btn-small" onClick={() => open("clear")}>Clear decision</button>
          </>
        )}
        {props.isAdmin && (
          <>
            <button type="button" class="btn btn-small" onClick={() => open("remind")}>Remind</button>
            <button type="button" class="btn btn-small" onClick={() => open("extend")}>Extend deadline</button>
          </>
        )}
        <a class="btn btn-small" href={exportHref("csv")} download>Export CSV</a>
        <a class="btn btn-small" href={exportHref("json")} download>Export JSON</a>
        <button type="button" class="btn btn-small btn-link" onClick={props.onClear}>Clear selection</button>
      </div>
      {action && (
        <div class="bulk-confirm" role="group" aria-label={`Confirm: ${VERB[action]} ${plural(n)}`}>
          <p class="bulk-question">
            <strong>{VERB[action]} {plural(n)}?</strong>{" "}
            {action === "remind" && <span class="small muted">Each gets a new link by email; their old link stops working.</span>}
            {decision && <span class="small muted">Shown as “{props.names[decision]}”. You can change or clear it later.</span>}
          </p>
          {decision && (
            <div class="bulk-fields">
              <div class="field">
                <label for="bulk-reason">Reason</label>
                <select id="bulk-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
                  <option value="">Choose a reason…</option>
                  {options.map((r) => (
                    <option key={r} value={r}>{reasonLabel(r)}</option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="bulk-note">Note {reason === "other" ? "(required for “Other”)" : "(optional)"}</label>
                <input id="bulk-note" type="text" maxLength={4000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
              </div>
            </div>
          )}
          {action === "extend" && (
            <div class="field bulk-days">
              <label for="bulk-days">Days to add (from today for expired links; links stay the same)</label>
              <input id="bulk-days" class="days-input" type="number" min={1} max={90} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
            </div>
          )}
          {run.error && <Alert>{run.error}</Alert>}
          <div class="bulk-row">
            <button type="button" class={`btn btn-small ${action === "reject" ? "btn-danger" : "btn-primary"}`} disabled={!ready} onClick={() => void confirm()}>
              {run.busy ? "Working…" : `Yes, ${VERB[action].toLowerCase()} ${plural(n)}`}
            </button>
            <button type="button" ref={cancel} class="btn btn-small" onClick={() => setAction(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/** What a bulk action did, candidate by candidate. */
export function BulkOutcome(props: { result: BulkResult; onDismiss: () => void }) {
  const failed = props.result.items.filter((i) => !i.ok);
  return (
    <div class="bulk-outcome">
      <Alert kind={failed.length ? "warning" : "success"}>
        {VERB[props.result.action]}: done for {plural(props.result.applied)}
        {failed.length > 0 && `; not done for ${plural(failed.length)}`}.
      </Alert>
      {failed.length > 0 && (
        <ul class="bulk-failures" aria-label="Candidates the action was not applied to">
          {failed.map((i) => (
            <li key={i.invitation_id}>
              <strong>{i.candidate_name ?? i.invitation_id}</strong>: {i.message}
            </li>
          ))}
        </ul>
      )}
      <button type="button" class="btn btn-small" onClick={props.onDismiss}>Dismiss</button>
    </div>
  );
}
