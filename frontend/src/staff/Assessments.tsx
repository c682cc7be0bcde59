/** The organization's assessments. */
import { useEffect, useState } from "preact/hooks";
import { api, call, errorMessage, type Schemas } from "../api/client";
import { Alert, Link, Loading, PageHeading } from "../ui/components";

export function Assessments() {
  const [items, setItems] = useState<Schemas["AssessmentSummary"][] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call(api.GET("/api/assessments")).then(setItems, (err: unknown) => setError(errorMessage(err)));
  }, []);

  return (
    <>
      <PageHeading title="Assessments">Assessments</PageHeading>
      {error && <Alert>{error}</Alert>}
      {!items && !error && <Loading />}
      {items && items.length === 0 && <p class="muted">No assessments yet.</p>}
      {items && items.length > 0 && (
        <ul class="card-list" aria-label="Assessments">
          {items.map((a) => (
            <li key={a.id} class="card">
              <h2 class="card-title">
                <Link href={`/app/assessments/${a.id}`}>{a.title}</Link>
              </h2>
              <p class="muted">{a.role}</p>
              <p class="meta">
                <span class={`badge badge-${a.status}`}>{a.status}</span>
                <span>
                  {a.question_count} question{a.question_count === 1 ? "" : "s"}
                </span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
