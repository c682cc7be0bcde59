/** The team's ratings (1-5 with a comment) and notes on a candidate, on the report.
 * With blind review on, the others' ratings show once I have given mine. */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { Alert, Loading, formatDateTime } from "../ui/components";
import { useApi, useSubmit } from "../ui/useApi";

type Feedback = Schemas["FeedbackOut"];
const LABELS: Record<number, string> = { 1: "1 · No", 2: "2 · Lean no", 3: "3 · Unsure", 4: "4 · Lean yes", 5: "5 · Strong yes" };

export function TeamFeedbackPanel(props: { invitationId: string }) {
  const path = { params: { path: { invitation_id: props.invitationId } } };
  const { data, error, setData, reload } = useApi<Feedback>(
    () => call(api.GET("/api/invitations/{invitation_id}/feedback", path)),
    [props.invitationId],
  );
  if (error) return <section class="section"><Alert>{error}</Alert></section>;
  if (!data) return <Loading label="Loading the team's ratings…" />;
  return (
    <section class="section no-print team-feedback" aria-labelledby="team-h">
      <h2 id="team-h">Team ratings and notes</h2>
      <RatingForm fb={data} invitationId={props.invitationId} onSaved={setData} />
      <h3>Ratings{data.mean_rating !== null ? ` · mean ${data.mean_rating.toFixed(1)} of 5` : ""}</h3>
      {data.others_withheld > 0 && (
        <p class="muted" role="note">
          Blind review: {data.others_withheld} rating{data.others_withheld === 1 ? "" : "s"} by colleagues
          {data.others_withheld === 1 ? " shows" : " show"} once you have given yours.
        </p>
      )}
      {data.ratings.length === 0 ? (
        data.others_withheld === 0 && <p class="muted">No ratings yet.</p>
      ) : (
        <ul class="ratings">
          {data.ratings.map((r) => (
            <li key={`${r.user_id}`}>
              <strong>{r.name}{r.mine ? " (you)" : ""}</strong>
              {r.role && <span class="role-tag">{r.role.replace("_", " ")}</span>}{" "}
              <span class="rating-value" aria-label={`rated ${r.rating} of 5`}>{LABELS[r.rating]}</span>
              {r.comment && <p>{r.comment}</p>}
              <span class="small muted">{formatDateTime(r.updated_at)}</span>
            </li>
          ))}
        </ul>
      )}
      <Notes fb={data} invitationId={props.invitationId} onChanged={reload} />
    </section>
  );
}

function RatingForm(props: { fb: Feedback; invitationId: string; onSaved: (f: Feedback) => void }) {
  const mine = props.fb.my_rating;
  const [rating, setRating] = useState<number | null>(mine?.rating ?? null);
  const [comment, setComment] = useState(mine?.comment ?? "");
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    if (rating === null) throw new Error("Pick a rating from 1 to 5 first.");
    return call(api.PUT("/api/invitations/{invitation_id}/rating", {
      params: { path: { invitation_id: props.invitationId } },
      body: { rating, comment },
    }));
  });
  async function submit(e: Event) {
    e.preventDefault();
    setSaved(false);
    const out = await save.submit();
    if (out) {
      props.onSaved(out);
      setSaved(true);
    }
  }
  return (
    <form class="rating-form" onSubmit={submit} aria-label="My rating">
      <fieldset>
        <legend>{mine ? "My rating (you can change it)" : "My rating"}</legend>
        <div class="rating-choices">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} class={`rating-choice${rating === n ? " selected" : ""}`}>
              <input type="radio" name="rating" value={n} checked={rating === n} onChange={() => setRating(n)} />
              {LABELS[n]}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="field">
        <label for="rating-comment">Comment (optional)</label>
        <textarea id="rating-comment" class="short" rows={2} maxLength={4000} value={comment}
          onInput={(e) => setComment(e.currentTarget.value)} />
      </div>
      <button type="submit" class="btn btn-primary" disabled={save.busy}>{save.busy ? "Saving…" : "Save my rating"}</button>
      <span role="status" class="small">{saved ? " Saved." : ""}</span>
      {save.error && <Alert>{save.error}</Alert>}
    </form>
  );
}

function Notes(props: { fb: Feedback; invitationId: string; onChanged: () => void }) {
  const [body, setBody] = useState("");
  const add = useSubmit(() => call(api.POST("/api/invitations/{invitation_id}/notes", {
    params: { path: { invitation_id: props.invitationId } },
    body: { body },
  })));
  const remove = useSubmit((id: string) => call(api.DELETE("/api/candidate-notes/{note_id}", { params: { path: { note_id: id } } })));
  async function submit(e: Event) {
    e.preventDefault();
    if (!body.trim()) {
      add.setError("Write the note first.");
      return;
    }
    if (await add.submit()) {
      setBody("");
      props.onChanged();
    }
  }
  return (
    <div class="candidate-notes">
      <h3>Notes on the candidate</h3>
      {props.fb.notes.length === 0 ? <p class="muted">No notes yet.</p> : (
        <ul class="notes">
          {props.fb.notes.map((n) => (
            <li key={n.id}>
              <strong>{n.author_name}</strong> <span class="small muted">{formatDateTime(n.created_at)}</span>
              <p>{n.body}</p>
              {n.mine && (
                <button type="button" class="btn btn-small btn-quiet" disabled={remove.busy}
                  onClick={async () => { await remove.submit(n.id); props.onChanged(); }}>
                  Delete<span class="sr-only"> my note</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {remove.error && <Alert>{remove.error}</Alert>}
      <form onSubmit={submit} aria-label="Add a note">
        <div class="field">
          <label for="note-body">Add a note for the team</label>
          <textarea id="note-body" class="short" rows={2} maxLength={8000} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn" disabled={add.busy}>{add.busy ? "Adding…" : "Add note"}</button>
        {add.error && <Alert>{add.error}</Alert>}
      </form>
    </div>
  );
}
