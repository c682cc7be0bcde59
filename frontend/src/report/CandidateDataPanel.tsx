/** Admins: a candidate's data as a JSON download (access requests) and erasure for good. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, call } from "../api/client";
import { navigate } from "../router";
import { Alert, setFlash } from "../ui/components";
import { useSubmit } from "../ui/useApi";

export function CandidateDataPanel(props: { invitationId: string; candidateName: string; assessmentId: string }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const dialog = useRef<HTMLDialogElement>(null);
  const exportUrl = `/api/invitations/${encodeURIComponent(props.invitationId)}/candidate-data`;
  const matches = typed.trim() === props.candidateName.trim();

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  const { submit, busy, error, setError } = useSubmit(async () => {
    const out = await call(api.DELETE("/api/invitations/{invitation_id}/candidate-data", { params: { path: { invitation_id: props.invitationId } } }));
    const n = out.erased;
    setFlash(
      `${props.candidateName}'s data was erased: ${n.responses ?? 0} answer${n.responses === 1 ? "" : "s"}, ` +
        `${n.reviews ?? 0} review${n.reviews === 1 ? "" : "s"} and ${n.media_objects ?? 0} recording file${n.media_objects === 1 ? "" : "s"} deleted.`,
    );
    setOpen(false);
    navigate(`/app/assessments/${props.assessmentId}/compare`, { replace: true });
  });

  function erase(e: Event) {
    e.preventDefault();
    if (!matches || busy) return;
    void submit();
  }

  return (
    <section class="card candidate-data no-print" aria-labelledby="cdata-h">
      <h2 id="cdata-h">Candidate data</h2>
      <p class="small muted">
        For an access request, export everything stored about {props.candidateName}. Erasing deletes their answers,
        recordings, transcripts, scores, reviews and share links for good; an audit entry with counts only is kept.
      </p>
      <div class="actions-row">
        <a class="btn" href={exportUrl} download={`candidate-${props.invitationId}.json`}>Export data (JSON)</a>
        <button type="button" class="btn btn-danger" aria-haspopup="dialog" onClick={() => { setTyped(""); setError(null); setOpen(true); }}>
          Erase candidate…
        </button>
      </div>
      <dialog ref={dialog} class="confirm-dialog" aria-labelledby="erase-h" onClose={() => setOpen(false)}>
        <form onSubmit={erase}>
          <h2 id="erase-h">Erase {props.candidateName}?</h2>
          <p>
            This deletes every answer, recording, transcript, score, review and share link of this candidate. It cannot be
            undone.
          </p>
          {error && <Alert>{error}</Alert>}
          <div class="field">
            <label for="erase-name">Type the candidate's name to confirm: <strong>{props.candidateName}</strong></label>
            <input id="erase-name" type="text" autoComplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
          </div>
          <div class="actions-row">
            <button type="submit" class="btn btn-danger" disabled={!matches || busy}>{busy ? "Erasing…" : "Erase for good"}</button>
            <button type="button" class="btn" onClick={() => setOpen(false)}>Cancel</button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
