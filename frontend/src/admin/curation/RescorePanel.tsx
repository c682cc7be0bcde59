/** Re-score pending answers (this question's or the whole assessment's) and follow the run by
 * polling its status until every answer is back. Reviewed answers are never touched. */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, call, errorMessage, type Schemas } from "../../api/client";
import { Alert, formatDateTime } from "../../ui/components";
import { useSubmit } from "../../ui/useApi";

type Status = Schemas["RescoreStatusOut"];
type Run = Schemas["RescoreRunOut"];

const ACTIVE = ["queued", "transcribing", "scoring", "assessing"];
const POLL_MS = 1000;

function finished(s: Status): number {
  const active = ACTIVE.reduce((n, k) => n + (s.states[k] ?? 0), 0);
  return s.total - active;
}

export function RescorePanel(props: { questionId: string; assessmentId: string; assessmentTitle: string; onDone?: () => void }) {
  const [status, setStatus] = useState<Status | null>(null);
  const [run, setRun] = useState<{ scope: string; out: Run } | null>(null);
  const [pollError, setError] = useState<string | null>(null);
  const timer = useRef<number | null>(null);
  const alive = useRef(true);
  const onDone = useRef(props.onDone);
  onDone.current = props.onDone;

  async function poll(announceDone: boolean) {
    try {
      const s = await call(api.GET("/api/assessments/{assessment_id}/rescore-status", { params: { path: { assessment_id: props.assessmentId } } }));
      if (!alive.current) return;
      setStatus(s);
      if (!s.done) timer.current = window.setTimeout(() => void poll(true), POLL_MS);
      else if (announceDone) onDone.current?.();
    } catch (err) {
      if (!alive.current) return;
      if (err instanceof ApiError && err.status === 404) setStatus(null); // no run yet
      else setError(errorMessage(err));
    }
  }

  useEffect(() => {
    alive.current = true;
    void poll(false);
    return () => {
      alive.current = false;
      if (timer.current !== null) window.clearTimeout(timer.current);
    };
  }, [props.assessmentId]);

  const starting = useSubmit(async (scope: "question" | "assessment") => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    const out =
      scope === "question"
        ? await call(api.POST("/api/questions/{question_id}/rescore", { params: { path: { question_id: props.questionId } } }))
        : await call(api.POST("/api/assessments/{assessment_id}/rescore", { params: { path: { assessment_id: props.assessmentId } } }));
    setRun({ scope: scope === "question" ? "this question" : "the whole assessment", out });
    await poll(true);
  });
  const busy = starting.busy;
  const error = starting.error ?? pollError;
  function start(scope: "question" | "assessment") {
    setError(null);
    void starting.submit(scope);
  }

  const running = !!status && !status.done;
  const done = status ? finished(status) : 0;
  const failed = status?.states.failed ?? 0;
  return (
    <section class="card rescore" aria-labelledby="rescore-h">
      <h2 id="rescore-h">Re-score pending answers</h2>
      <p class="small">
        After changing exemplars, answers no one has reviewed yet can be scored again. Answers with a review keep the
        suggestion their reviewers saw.
      </p>
      {error && <Alert>{error}</Alert>}
      <div class="actions-row">
        <button type="button" class="btn btn-primary" disabled={busy || running} onClick={() => void start("question")}>
          Re-score this question
        </button>
        <button type="button" class="btn" disabled={busy || running} onClick={() => void start("assessment")}>
          Re-score all of “{props.assessmentTitle}”
        </button>
      </div>
      {run && (
        <p class="small rescore-run" role="status">
          Started for {run.scope}: <strong>{run.out.queued}</strong> answer{run.out.queued === 1 ? "" : "s"} queued
          {run.out.skipped_reviewed > 0 && <>, {run.out.skipped_reviewed} skipped (reviewed)</>}
          {run.out.skipped_not_ready > 0 && <>, {run.out.skipped_not_ready} skipped (still processing)</>}.
        </p>
      )}
      {status && (
        <div class="rescore-status" data-done={status.done ? "true" : "false"}>
          <div
            class="progress rescore-progress"
            role="progressbar"
            aria-label="Re-scoring progress"
            aria-valuemin={0}
            aria-valuemax={Math.max(1, status.total)}
            aria-valuenow={status.total === 0 ? 1 : done}
          >
            <span style={{ width: `${status.total === 0 ? 100 : Math.round((done / status.total) * 100)}%` }} />
          </div>
          <p class="small" aria-live="polite">
            {status.total === 0
              ? "Nothing needed re-scoring: every answer was reviewed or still processing."
              : status.done
                ? `Done: ${done} of ${status.total} answers re-scored${failed ? `, ${failed} failed` : ""}.`
                : `Re-scoring: ${done} of ${status.total} answers done…`}{" "}
            <span class="muted">Latest run started {formatDateTime(status.started_at)}.</span>
          </p>
        </div>
      )}
    </section>
  );
}
