/** Admins: make a reviewed answer an exemplar in one action, at its decided score by default. */
import { useEffect, useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { Link } from "../ui/components";
import { useSubmit } from "../ui/useApi";
import type { ReviewItem } from "./items";

/** The decided score: a resolution if there is one, else the latest review. */
export function decidedScore(item: ReviewItem): number | null {
  const resolve = item.reviews.filter((r) => r.decision === "resolve");
  const pool = resolve.length ? resolve : item.reviews;
  if (!pool.length) return item.my_review?.score ?? null;
  return [...pool].sort((a, b) => a.created_at.localeCompare(b.created_at))[pool.length - 1]!.score;
}

export function PromotePanel(props: { item: ReviewItem }) {
  const { item } = props;
  const q = item.question;
  const decided = decidedScore(item);
  const [level, setLevel] = useState<number>(decided ?? q.scale_max);
  const [done, setDone] = useState<Schemas["ExemplarOut"] | null>(null);
  // A 409 (already an exemplar, answer changed) says why in its detail, as any problem does.
  const { submit, busy: saving, error, setError } = useSubmit(() =>
    call(api.POST("/api/responses/{response_id}/promote", { params: { path: { response_id: item.id } }, body: { level } })),
  );
  useEffect(() => {
    setLevel(decided ?? q.scale_max);
    setDone(null);
    setError(null);
  }, [item.id, decided]);

  const dashboard = `/app/questions/${q.id}/agreement`;
  async function promote() {
    const out = await submit();
    if (out) setDone(out);
  }
  const levels: number[] = [];
  for (let l = q.scale_min; l <= q.scale_max; l++) levels.push(l);

  return (
    <div class="promote" aria-labelledby="promote-h" role="group">
      <h3 id="promote-h">Use as an exemplar</h3>
      {done ? (
        <div class="alert alert-success" role="status">
          <p>Promoted: this answer is now a level <strong>{done.level}</strong> exemplar for Q{q.number}.</p>
          <Link href={dashboard}>Open the question's agreement dashboard</Link>
        </div>
      ) : (
        <>
          <p class="small muted">Add this reviewed answer to the question's exemplars, so the AI compares later answers with it.</p>
          {error && (
            <div class="alert alert-error" role="alert">
              <p>{error}</p>
              <Link href={dashboard}>Open the question's agreement dashboard</Link>
            </div>
          )}
          <div class="promote-row">
            <label for="promote-level">Level</label>
            <select id="promote-level" value={String(level)} onChange={(e) => setLevel(Number(e.currentTarget.value))}>
              {levels.map((l) => (
                <option key={l} value={String(l)}>{l}{l === decided ? " (decided score)" : ""}</option>
              ))}
            </select>
            <button type="button" class="btn btn-small" disabled={saving} onClick={() => void promote()}>
              {saving ? "Promoting…" : "Promote to exemplar"}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
