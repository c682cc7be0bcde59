/** One answer under review: the answer on the left, the suggestion and the decision on the
 * right. The AI suggests; nothing is saved until the reviewer confirms or overrides. */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, api, call, errorMessage } from "../api/client";
import { navigate } from "../router";
import { Alert, Link, Loading, PageHeading, formatDateTime, isTypingTarget } from "../ui/components";
import { questionLabel } from "../ui/questions";
import { AnswerPane, type Span } from "./AnswerPane";
import { DecisionPane, type DecisionState, type Mode } from "./DecisionPane";
import { forget, useApi } from "../ui/useApi";
import { fetchItem, itemKey, itemPrefix, prefetchItem, type ReviewItem } from "./items";
import { carrySearch, queueParams, statusLabel, type ReasonCode } from "./labels";
import { ProficiencyPane, RubricPane } from "./ProficiencyPane";
import { EvidencePane, SuggestionSummary, defaultLevel, evidenceLevels } from "./SuggestionPane";

const SHORTCUTS: ReadonlyArray<readonly [string, string]> = [
  ["C or Enter", "Confirm the suggested level"],
  ["O", "Override: choose your own score and a reason"],
  ["1 – 5", "Choose a score (opens the override form)"],
  ["Ctrl + Enter", "Save the form you are in"],
  ["Esc", "Cancel the override"],
  ["N", "Next answer in the queue"],
  ["?", "Show or hide this list"],
];

function initialMode(item: ReviewItem): Mode {
  if (item.can_resolve) return "resolve";
  if (item.can_review && item.suggestion_withheld) return "blind";
  return "idle";
}

function freshState(item: ReviewItem | null): DecisionState {
  return {
    mode: item ? initialMode(item) : "idle",
    score: null,
    reason: "",
    comment: "",
    saving: false,
    error: null,
    stale: null,
    result: null,
    tried: false,
    changing: false,
  };
}

/** Interactive elements where Enter already means something. */
function ownsEnter(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && !!target.closest("a, button, input, select, textarea, video, summary, [role=button]");
}

export function ReviewPage(props: { id: string; query: URLSearchParams }) {
  const queueQuery = useMemo(() => queueParams(props.query), [props.query.toString()]);
  const search = carrySearch(props.query);
  // A cached (prefetched) copy shows at once and is revalidated; a new version is shown when it differs.
  const loaded = useApi(() => fetchItem(props.id, queueQuery), [props.id], { key: itemKey(props.id, queueQuery) });
  const item = loaded.data;
  const [state, setState] = useState<DecisionState>(freshState(null));
  const [level, setLevel] = useState<number | null>(null);
  const [focus, setFocus] = useState<Span | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const video = useRef<HTMLVideoElement | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const shownId = useRef<string | null>(null);

  // A new item (or a new version of this one, e.g. after a save) resets the decision form; the
  // result of a save stays under the same item.
  useLayoutEffect(() => {
    if (!item) return;
    const sameItem = shownId.current === item.id;
    shownId.current = item.id;
    setLevel(defaultLevel(item.suggestion));
    setFocus(null);
    setState((s) => ({ ...freshState(item), result: sameItem ? s.result : null }));
    prefetchItem(item.next_id, queueQuery);
  }, [item?.id, item?.review_version]);

  // A failed reload under a shown item is said in the decision pane, not instead of the page.
  useEffect(() => {
    if (loaded.error && item) setState((s) => ({ ...s, error: loaded.error }));
  }, [loaded.error]);

  const suggestion = item?.suggestion ?? null;
  // A reviewed answer is reopened on purpose ("Change the decision"), never by a stray key.
  const open = !!item && item.can_review && (item.review_status !== "reviewed" || state.changing);
  const canConfirm = open && !item!.suggestion_withheld && !!suggestion && !suggestion.abstained && suggestion.rounded_level !== null;
  const nextId = state.result?.next_id ?? item?.next_id ?? null;

  function reload() {
    forget(itemPrefix(props.id));
    loaded.reload();
  }

  function goNext() {
    if (nextId) navigate(`/app/review/${nextId}${search}`);
    else setNotice("That was the last answer in your queue.");
  }

  async function save(body: { decision: "confirm" | "override"; score?: number | null; reason_code?: ReasonCode | null; comment?: string } | { resolve: true; score: number; comment: string }) {
    if (!item || state.saving) return;
    setState((s) => ({ ...s, saving: true, error: null, stale: null }));
    const path = { response_id: item.id };
    try {
      const result =
        "resolve" in body
          ? await call(api.POST("/api/review/responses/{response_id}/resolve", {
              params: { path, query: queueQuery },
              body: { score: body.score, comment: body.comment, expected_version: item.review_version },
            }))
          : await call(api.POST("/api/review/responses/{response_id}/reviews", {
              params: { path, query: queueQuery },
              body: { ...body, comment: body.comment ?? "", expected_version: item.review_version },
            }));
      forget(itemPrefix(item.id));
      prefetchItem(result.next_id, queueQuery);
      setState((s) => ({ ...s, saving: false, result }));
      // Show what changed (reviews, and after a blind score the suggestion) under the result.
      loaded.reload();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setState((s) => ({ ...s, saving: false, stale: err.detail }));
      } else {
        setState((s) => ({ ...s, saving: false, error: errorMessage(err) }));
      }
    }
  }

  const actions = {
    confirm: () => {
      if (canConfirm) void save({ decision: "confirm" });
    },
    openOverride: () => {
      if (open && !item!.suggestion_withheld) setState((s) => ({ ...s, mode: "override", result: null, error: null }));
    },
    cancel: () => setState((s) => ({ ...s, mode: item ? initialMode(item) : "idle", score: null, reason: "", comment: "", tried: false })),
    setScore: (score: number) => setState((s) => ({ ...s, score })),
    setReason: (reason: ReasonCode | "") => setState((s) => ({ ...s, reason })),
    setComment: (comment: string) => setState((s) => ({ ...s, comment })),
    submit: () => {
      const s = state;
      setState((x) => ({ ...x, tried: true }));
      if (s.score === null) return;
      if (s.mode === "override") {
        if (!s.reason || (s.reason === "other" && !s.comment.trim())) return;
        void save({ decision: "override", score: s.score, reason_code: s.reason, comment: s.comment.trim() });
      } else if (s.mode === "blind") {
        void save({ decision: "override", score: s.score, comment: s.comment.trim() });
      } else if (s.mode === "resolve") {
        if (!s.comment.trim()) return;
        void save({ resolve: true, score: s.score, comment: s.comment.trim() });
      }
    },
    reload,
    next: goNext,
    change: () => setState((s) => ({ ...s, changing: true, result: null })),
  };

  // Page-wide shortcuts; never while typing in a field. The listener is added once and reads
  // the latest render through a ref (keys can come faster than effects re-subscribe).
  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => undefined);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keyHandler.current(e);
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  {
    keyHandler.current = function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey || !item) return;
      if (e.key === "Escape") {
        if (state.mode === "override") {
          e.preventDefault();
          actions.cancel();
        }
        return;
      }
      if (isTypingTarget(e.target)) return;
      const k = e.key;
      if (k === "?") {
        e.preventDefault();
        setHelp((h) => !h);
      } else if (k === "c" || k === "C") {
        if (state.mode === "idle") {
          e.preventDefault();
          actions.confirm();
        }
      } else if (k === "Enter" && !ownsEnter(e.target)) {
        e.preventDefault();
        if (state.mode === "idle") actions.confirm();
        else actions.submit();
      } else if (k === "o" || k === "O") {
        e.preventDefault();
        actions.openOverride();
      } else if (/^[1-9]$/.test(k)) {
        const n = Number(k);
        if (n < item.question.scale_min || n > item.question.scale_max) return;
        if (state.mode === "idle") {
          if (!open || item.suggestion_withheld) return;
          setState((s) => ({ ...s, mode: "override", score: n, result: null }));
        } else actions.setScore(n);
        e.preventDefault();
      } else if (k === "n" || k === "N") {
        e.preventDefault();
        goNext();
      }
    };
  }

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (help && !d.open) d.showModal();
    if (!help && d.open) d.close();
  }, [help]);

  const marks = useMemo<Span[]>(() => {
    const lv = evidenceLevels(suggestion).find((l) => l.level === level);
    return lv ? lv.sentences.map((m) => ({ start: m.start, end: m.end })) : [];
  }, [suggestion, level]);

  const crumbs = (
    <nav class="crumbs no-print" aria-label="Breadcrumb">
      <Link href={`/app/review${search}`}>Review queue</Link>
    </nav>
  );
  if (!item) return <>{crumbs}{loaded.error ? <Alert>{loaded.error}</Alert> : <Loading label="Loading the answer…" />}</>;
  const q = item.question;
  const chosen = state.score ?? item.my_review?.score ?? null;

  return (
    <div class="review-page">
      {crumbs}
      <header class="review-head">
        <div>
          <p class="eyebrow">
            {item.assessment_title} · {questionLabel(q.number)}
            {q.competency_name ? ` · ${q.competency_name}` : ""}
          </p>
          <div class="title-row">
            <PageHeading title={`Review: ${item.candidate_name}, ${questionLabel(q.number)}`}>{item.candidate_name}</PageHeading>
            <span class={`badge badge-rs-${item.review_status}`}>{statusLabel(item.review_status)}</span>
            <span class={`badge badge-${item.kind}`}>{item.kind === "video" ? "Video" : "Written"}</span>
            {item.blind_review && <span class="badge">Blind review</span>}
          </div>
          <p class="review-prompt">{q.prompt}</p>
        </div>
        <div class="head-actions">
          <Link href={`/app/reports/${item.invitation_id}`} class="btn btn-small">Candidate report</Link>
          <button type="button" class="btn btn-small" onClick={goNext} disabled={!nextId} title="Next answer (N)">
            Next <kbd>N</kbd>
          </button>
          <button type="button" class="btn btn-small btn-quiet" onClick={() => setHelp(true)} aria-haspopup="dialog">
            Shortcuts <kbd>?</kbd>
          </button>
        </div>
      </header>
      {notice && <Alert kind="info">{notice}</Alert>}
      {item.submitted_at && <p class="small muted">Submitted {formatDateTime(item.submitted_at)}</p>}

      <div class="review-grid">
        <div class="review-left">
          <AnswerPane item={item} marks={marks} focus={focus} videoRef={video} />
          <RubricPane
            levels={q.levels}
            suggested={suggestion && !suggestion.abstained ? suggestion.rounded_level : null}
            chosen={chosen}
            reveals={q.reveals}
            redFlags={q.red_flags}
          />
        </div>
        <div class="review-right">
          <SuggestionSummary
            item={item}
            onSeek={(t) => {
              const v = video.current;
              if (!v) return;
              v.currentTime = Math.max(0, t - 0.5); // half a second before, to hear the word in context
              void v.play().catch(() => undefined);
            }}
          />
          <DecisionPane item={item} state={state} actions={actions} canConfirm={canConfirm} />
          <EvidencePane item={item} selected={level} onSelect={(l) => { setLevel(l); setFocus(null); }} focus={focus} onFocus={setFocus} />
          <ProficiencyPane proficiency={item.proficiency} />
        </div>
      </div>

      <dialog ref={dialog} class="shortcuts" aria-labelledby="sc-h" onClose={() => setHelp(false)}>
        <h2 id="sc-h">Keyboard shortcuts</h2>
        <table class="table">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <th scope="row"><kbd>{keys}</kbd></th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="small muted">Shortcuts are off while you type in a field.</p>
        <form method="dialog">
          <button class="btn btn-primary" type="submit">Close</button>
        </form>
      </dialog>
    </div>
  );
}
