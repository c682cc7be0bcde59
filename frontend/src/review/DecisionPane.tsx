/** The reviewer's decision: confirm, override with a reason, commit a blind score, or resolve
 * a disagreement; the other reviews; what the saved decision changed. */
import { useContext, useEffect, useRef } from "preact/hooks";
import type { Schemas } from "../api/client";
import { MeContext } from "../staff/StaffShell";
import { Alert, formatDateTime, formatNumber } from "../ui/components";
import type { ReviewItem } from "./items";
import { REASONS, decisionLabel, reasonLabel, statusLabel, type ReasonCode } from "./labels";
import { PromotePanel } from "./PromotePanel";

export type Mode = "idle" | "override" | "blind" | "resolve";

export type DecisionState = {
  mode: Mode;
  score: number | null;
  reason: ReasonCode | "";
  comment: string;
  saving: boolean;
  error: string | null;
  stale: string | null;
  result: Schemas["ReviewResult"] | null;
  tried: boolean; // a save was attempted: show what is missing
  changing: boolean; // reopening a decision already made
};

export type DecisionActions = {
  confirm: () => void;
  openOverride: () => void;
  cancel: () => void;
  setScore: (s: number) => void;
  setReason: (r: ReasonCode | "") => void;
  setComment: (c: string) => void;
  submit: () => void;
  reload: () => void;
  next: () => void;
  change: () => void;
};

/** Score choices 1..5 as a radio group: one tab stop, arrows move, keys 1-5 pick (page-wide). */
export function ScoreButtons(props: {
  min: number;
  max: number;
  value: number | null;
  onChange: (s: number) => void;
  descriptors: Map<number, string>;
  label: string;
  autoFocus?: boolean;
}) {
  const group = useRef<HTMLDivElement>(null);
  const scores: number[] = [];
  for (let s = props.min; s <= props.max; s++) scores.push(s);
  useEffect(() => {
    if (props.autoFocus) group.current?.querySelector<HTMLElement>('[tabindex="0"]')?.focus();
  }, [props.autoFocus]);
  useEffect(() => {
    // Keep focus on the chosen score when it changes by key, so Tab moves on to the next field.
    if (props.value !== null && group.current?.contains(document.activeElement)) {
      group.current.querySelector<HTMLElement>(`[data-score="${props.value}"]`)?.focus();
    }
  }, [props.value]);
  function onKey(e: KeyboardEvent) {
    if (!["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) return;
    e.preventDefault();
    const cur = props.value ?? props.min - 1;
    const step = e.key === "ArrowLeft" || e.key === "ArrowUp" ? -1 : 1;
    const next = Math.max(props.min, Math.min(props.max, cur + step));
    props.onChange(next);
    group.current?.querySelector<HTMLElement>(`[data-score="${next}"]`)?.focus();
  }
  return (
    <div class="score-buttons" role="radiogroup" aria-label={props.label} ref={group} onKeyDown={onKey}>
      {scores.map((s) => {
        const tabbable = props.value === null ? s === props.min : s === props.value;
        return (
          <button
            key={s}
            type="button"
            role="radio"
            data-score={s}
            aria-checked={props.value === s}
            tabIndex={tabbable ? 0 : -1}
            class="score-btn"
            title={props.descriptors.get(s)}
            onClick={() => props.onChange(s)}
          >
            {s}
          </button>
        );
      })}
    </div>
  );
}

export function DecisionPane(props: { item: ReviewItem; state: DecisionState; actions: DecisionActions; canConfirm: boolean }) {
  const { item, state, actions } = props;
  const me = useContext(MeContext);
  const q = item.question;
  const descriptors = new Map(q.levels.map((l) => [Number(l.level), String(l.descriptor)]));
  const s = item.suggestion;
  const resultRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.result) resultRef.current?.focus();
  }, [state.result]);

  const missingScore = state.tried && state.score === null;
  const missingReason = state.tried && state.mode === "override" && !state.reason;
  const missingComment =
    state.tried && ((state.mode === "override" && state.reason === "other") || state.mode === "resolve") && !state.comment.trim();

  return (
    <section class="card decision" aria-labelledby="decide-h">
      <h2 id="decide-h">Your decision</h2>
      {state.stale && (
        <div class="alert alert-error" role="alert">
          <p>{state.stale}</p>
          <button type="button" class="btn btn-small" onClick={actions.reload}>Reload</button>
        </div>
      )}
      {state.error && <Alert>{state.error}</Alert>}
      {state.result && <SavedResult result={state.result} item={item} onNext={actions.next} ref_={resultRef} />}

      {item.my_review && !state.result && (
        <p class="small">
          You {decisionLabel(item.my_review.decision).toLowerCase()} <strong>{item.my_review.score}</strong> on{" "}
          {formatDateTime(item.my_review.created_at)}.
          {item.disagreement && <DisagreementLine d={item.disagreement} />}
        </p>
      )}

      {state.mode === "idle" && item.can_review && item.review_status === "reviewed" && !state.changing && (
        <button type="button" class="btn btn-small" onClick={actions.change}>
          Change the decision…
        </button>
      )}

      {state.mode === "idle" && item.can_review && (item.review_status !== "reviewed" || state.changing) && (
        <div class="decide-actions">
          <button type="button" class="btn btn-primary btn-large" disabled={!props.canConfirm || state.saving} onClick={actions.confirm}>
            {s && !s.abstained && s.rounded_level !== null ? `Confirm level ${s.rounded_level}` : "Confirm"} <kbd>C</kbd>
          </button>
          <button type="button" class="btn btn-large" disabled={state.saving} onClick={actions.openOverride}>
            Override… <kbd>O</kbd>
          </button>
          {!props.canConfirm && s?.abstained && (
            <p class="small muted full">Nothing to confirm: the AI abstained. Override with your own score.</p>
          )}
        </div>
      )}

      {(state.mode === "override" || state.mode === "blind" || state.mode === "resolve") && (
        <form
          class="decide-form"
          aria-label={state.mode === "resolve" ? "Resolve the disagreement" : state.mode === "blind" ? "Your score" : "Override the suggestion"}
          onSubmit={(e) => {
            e.preventDefault();
            actions.submit();
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              actions.submit();
            }
          }}
        >
          {state.mode === "blind" && (
            <p class="small">Blind review: give your own score first; the AI's suggestion and the difference appear after.</p>
          )}
          {state.mode === "resolve" && (
            <p class="small">The reviewers disagree. Read both reviews below and set the final score.</p>
          )}
          <div class="field">
            <span class="field-label" id="score-label">
              {state.mode === "resolve" ? "Final score" : "Your score"} <span class="muted small">(keys 1–5)</span>
            </span>
            <ScoreButtons
              min={q.scale_min}
              max={q.scale_max}
              value={state.score}
              onChange={actions.setScore}
              descriptors={descriptors}
              label={state.mode === "resolve" ? "Final score" : "Your score"}
              autoFocus={state.mode !== "blind"}
            />
            {state.score !== null && descriptors.get(state.score) && (
              <p class="small muted chosen-desc">{state.score}: {descriptors.get(state.score)}</p>
            )}
            {missingScore && <span class="text-error small">Choose a score.</span>}
          </div>
          {state.mode === "override" && (
            <div class="field">
              <label for="reason">Reason</label>
              <select
                id="reason"
                value={state.reason}
                aria-invalid={missingReason}
                onChange={(e) => actions.setReason(e.currentTarget.value as ReasonCode | "")}
              >
                <option value="">Choose a reason…</option>
                {REASONS.map(([code, label]) => (
                  <option key={code} value={code}>{label}</option>
                ))}
              </select>
              {missingReason && <span class="text-error small">Say why you override.</span>}
            </div>
          )}
          <div class="field">
            <label for="comment">
              Comment{" "}
              <span class="muted small">
                {state.mode === "resolve" || state.reason === "other" ? "(required)" : "(optional)"}
              </span>
            </label>
            <textarea
              id="comment"
              class="comment-box"
              rows={3}
              maxLength={4000}
              value={state.comment}
              aria-invalid={missingComment}
              onInput={(e) => actions.setComment(e.currentTarget.value)}
            />
            {missingComment && <span class="text-error small">Add a comment{state.mode === "resolve" ? " explaining the final score" : " for reason “other”"}.</span>}
          </div>
          <div class="actions-row">
            <button type="submit" class="btn btn-primary" disabled={state.saving}>
              {state.saving
                ? "Saving…"
                : state.mode === "resolve"
                  ? "Resolve"
                  : state.mode === "blind"
                    ? "Commit my score"
                    : "Save override"}
            </button>
            {state.mode === "override" && (
              <button type="button" class="btn" onClick={actions.cancel}>
                Cancel <kbd>Esc</kbd>
              </button>
            )}
            <span class="small muted"><kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves</span>
          </div>
        </form>
      )}

      {!item.can_review && !item.can_resolve && !state.result && (
        <p class="muted small">
          {item.review_status === "reviewed"
            ? "This answer is reviewed."
            : item.review_status === "conflict"
              ? "The reviewers disagree; an admin or a third reviewer settles it."
              : "You cannot review this answer now (it is being processed, replaced, or you already reviewed it)."}
        </p>
      )}

      <Reviews item={item} />
      {me?.role === "admin" && item.review_status === "reviewed" && item.reviews.length > 0 && !state.changing && (
        <PromotePanel item={item} />
      )}
    </section>
  );
}

function DisagreementLine(props: { d: Schemas["Disagreement"] }) {
  const { d } = props;
  if (d.abstained) return <> The AI abstained on this answer.</>;
  if (d.suggested_level === null) return null;
  if (d.agrees) return <> Same as the AI's suggested level ({d.suggested_level}).</>;
  return (
    <>
      {" "}The AI suggested <strong>{d.suggested_level}</strong> ({formatNumber(d.low)}–{formatNumber(d.high)}): you are{" "}
      <strong>{Math.abs(d.difference ?? 0)} {(d.difference ?? 0) > 0 ? "higher" : "lower"}</strong>
      {d.within_interval ? ", inside its interval" : ", outside its interval"}.
    </>
  );
}

function SavedResult(props: { result: Schemas["ReviewResult"]; item: ReviewItem; onNext: () => void; ref_: { current: HTMLDivElement | null } }) {
  const { result } = props;
  const r = result.review;
  return (
    <div class="alert alert-success saved" role="status" tabIndex={-1} ref={props.ref_}>
      <p>
        <strong>Saved:</strong> {decisionLabel(r.decision).toLowerCase()} <strong>{r.score}</strong>
        {r.reason_code && <> ({reasonLabel(r.reason_code)})</>}. Status: {statusLabel(result.review_status).toLowerCase()}.
        <DisagreementLine d={result.disagreement} />
        {result.reviewers_agree === false && <> The reviewers disagree; it needs resolving.</>}
      </p>
      {result.next_id ? (
        <button type="button" class="btn btn-primary btn-small" onClick={props.onNext}>
          Next answer <kbd>N</kbd>
        </button>
      ) : (
        <p class="small">That was the last answer in your queue.</p>
      )}
    </div>
  );
}

function Reviews(props: { item: ReviewItem }) {
  const { item } = props;
  if (item.reviews.length === 0 && item.reviews_hidden === 0) return null;
  return (
    <div class="reviews">
      <h3>Reviews</h3>
      {item.reviews_hidden > 0 && (
        <p class="small muted">
          {item.reviews_hidden} other review{item.reviews_hidden === 1 ? " is" : "s are"} hidden until you give yours (independent review).
        </p>
      )}
      <ul class="review-list">
        {item.reviews.map((r) => (
          <li key={r.id} class={`review review-${r.decision}`}>
            <div class="rv-head">
              <strong>{r.reviewer_name ?? "A former reviewer"}</strong>
              <span class={`badge badge-${r.decision}`}>{decisionLabel(r.decision)}</span>
              <span class="review-score" aria-label={`Score ${r.score}`}>{r.score}</span>
              <span class="small muted">{formatDateTime(r.created_at)}</span>
            </div>
            {r.reason_code && <div class="small">Reason: {reasonLabel(r.reason_code)}</div>}
            {r.comment && <p class="review-comment">{r.comment}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}
