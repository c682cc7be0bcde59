/** The review queue: answers waiting for me (or candidates and their progress), with filters. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { navigate } from "../router";
import { Alert, Link, Loading, PageHeading, formatNumber, isTypingTarget, waitingSince } from "../ui/components";
import { carrySearch, statusLabel } from "./labels";
import { useApi, useSubmit } from "../ui/useApi";
import { type Conditional, useEtag, usePoll } from "../ui/usePoll";

type QueuePage = Schemas["QueuePage"];
type QueueItem = Schemas["QueueItem"];
type Assessment = Schemas["AssessmentOut"];

const STATUSES = ["pending", "partial", "conflict"] as const;
const CONFIDENCE = [
  ["", "Any"],
  ["abstained", "AI abstained"],
  ["wide", "Wide interval (unsure)"],
  ["narrow", "Narrow interval"],
] as const;

/** Filters live in the URL so a reload or a shared link shows the same queue. */
function setParam(query: URLSearchParams, key: string, value: string): void {
  const next = new URLSearchParams(query);
  if (value) next.set(key, value);
  else next.delete(key);
  if (key === "assessment") next.delete("competency");
  const s = next.toString();
  navigate(`/app/review${s ? `?${s}` : ""}`, { replace: true });
}

export function ReviewQueue(props: { query: URLSearchParams }) {
  const { query } = props;
  const view = query.get("view") === "candidates" ? "candidates" : "answers";
  const assessmentId = query.get("assessment") ?? "";
  // The filter menus: without them (an error) the queue still shows, unfiltered by competency.
  const { data: assessments } = useApi(() => call(api.GET("/api/assessments")), []);
  const { data: chosen, error: chosenError } = useApi<Assessment | null>(
    () =>
      assessmentId
        ? call(api.GET("/api/assessments/{assessment_id}", { params: { path: { assessment_id: assessmentId } } }))
        : Promise.resolve(null),
    [assessmentId],
  );
  const assessment = chosenError ? null : chosen;

  const tabHref = (v: string) => {
    const next = new URLSearchParams(query);
    if (v === "candidates") next.set("view", "candidates");
    else next.delete("view");
    const s = next.toString();
    return `/app/review${s ? `?${s}` : ""}`;
  };

  return (
    <>
      <div class="title-row">
        <PageHeading title="Review">Review</PageHeading>
      </div>
      <p class="lead muted">The AI suggests; you decide. Every score in a report is one a person confirmed or gave.</p>
      <nav class="tabs" aria-label="Review views">
        <Link href={tabHref("answers")} class={view === "answers" ? "tab current" : "tab"} current={view === "answers"}>
          Answers to review
        </Link>
        <Link href={tabHref("candidates")} class={view === "candidates" ? "tab current" : "tab"} current={view === "candidates"}>
          By candidate
        </Link>
      </nav>
      <form class="filters card" aria-label="Filter the queue" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-assessment">Assessment</label>
          <select id="f-assessment" value={assessmentId} onChange={(e) => setParam(query, "assessment", e.currentTarget.value)}>
            <option value="">All assessments</option>
            {(assessments ?? []).map((a) => (
              <option key={a.id} value={a.id}>{a.title}</option>
            ))}
          </select>
        </div>
        {view === "answers" && (
          <>
            <div class="field">
              <label for="f-status">Status</label>
              <select id="f-status" value={query.get("status") ?? ""} onChange={(e) => setParam(query, "status", e.currentTarget.value)}>
                <option value="">Everything open</option>
                {STATUSES.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
              </select>
            </div>
            <div class="field">
              <label for="f-competency">Competency</label>
              <select
                id="f-competency"
                value={query.get("competency") ?? ""}
                disabled={!assessment}
                aria-describedby={assessment ? undefined : "f-competency-help"}
                onChange={(e) => setParam(query, "competency", e.currentTarget.value)}
              >
                <option value="">All competencies</option>
                {(assessment?.dimensions ?? []).flatMap((d) =>
                  d.competencies.map((c) => <option key={c.id} value={c.id}>{c.name}</option>),
                )}
              </select>
              {!assessment && <span id="f-competency-help" class="help">Choose an assessment first</span>}
            </div>
            <div class="field">
              <label for="f-confidence">AI confidence</label>
              <select id="f-confidence" value={query.get("confidence") ?? ""} onChange={(e) => setParam(query, "confidence", e.currentTarget.value)}>
                {CONFIDENCE.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
              </select>
            </div>
            <div class="field">
              <label for="f-order">Order</label>
              <select id="f-order" value={query.get("order") ?? "oldest"} onChange={(e) => setParam(query, "order", e.currentTarget.value === "oldest" ? "" : e.currentTarget.value)}>
                <option value="oldest">Oldest first</option>
                <option value="newest">Newest first</option>
                <option value="uncertain">Uncertain first</option>
              </select>
            </div>
          </>
        )}
      </form>
      {view === "answers" ? <AnswersTable query={query} /> : <CandidatesTable assessmentId={assessmentId} />}
    </>
  );
}

function AnswersTable(props: { query: URLSearchParams }) {
  const { query } = props;
  const [active, setActiveState] = useState(0);
  // Keys can arrive faster than effects re-subscribe: read the row from a ref, not a closure.
  const activeRef = useRef(0);
  const setActive = (i: number) => {
    activeRef.current = i;
    setActiveState(i);
  };
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const key = query.toString();

  const filters = (): Record<string, string> => {
    const q: Record<string, string> = {};
    const map = { assessment: "assessment_id", status: "status", competency: "competency_id", confidence: "confidence", order: "order" };
    for (const [from, to] of Object.entries(map)) {
      const v = query.get(from);
      if (v) q[to] = v;
    }
    return q;
  };
  const queueRequest = (cursor?: string, init: Conditional = {}) =>
    api.GET("/api/review/queue", { params: { query: { ...filters(), limit: 100, ...(cursor ? { cursor } : {}) } as never }, ...init });
  const fetchQueue = (cursor?: string) => call(queueRequest(cursor));
  const etag = useEtag();

  // New filters keep the list shown until their answer arrives, then the first row is active.
  const loaded = useApi<QueuePage>(
    () =>
      etag.track(queueRequest()).then((p) => {
        setActive(0);
        return p;
      }),
    [key],
    { keep: true },
  );
  const page = loaded.data;
  const setPage = loaded.setData;

  // The next page continues after the last answer shown (keyset cursor), appended below.
  const more = useSubmit((cursor: string) => fetchQueue(cursor));
  const showMore = async () => {
    if (!page?.next_cursor) return;
    const p = await more.submit(page.next_cursor);
    if (p) setPage({ ...p, items: [...page.items, ...p.items] });
  };
  const error = loaded.error ?? more.error;

  // New answers show up by themselves; the reviewer keeps their place (the same answer stays
  // active, the scroll position is untouched). A failed refresh keeps what is shown. Once the
  // reviewer has loaded more pages, the refresh waits (replacing the list would drop them).
  usePoll(() => {
    if ((page?.items.length ?? 0) > 100) return;
    const current = page?.items[activeRef.current]?.id;
    etag.poll((init) => queueRequest(undefined, init)).then((p) => {
      if (!p) return; // 304: nothing changed
      setPage(p);
      const at = current ? p.items.findIndex((x) => x.id === current) : -1;
      setActive(at >= 0 ? at : Math.min(activeRef.current, Math.max(0, p.items.length - 1)));
    }, () => undefined);
  });

  const items = page?.items ?? [];
  const search = carrySearch(query);
  const open = (item: QueueItem) => navigate(`/app/review/${item.id}${search}`);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.metaKey || e.ctrlKey || e.altKey || isTypingTarget(e.target) || items.length === 0) return;
      if (e.key === "j" || e.key === "k") {
        e.preventDefault();
        const next = Math.max(0, Math.min(items.length - 1, activeRef.current + (e.key === "j" ? 1 : -1)));
        setActive(next);
        rows.current[next]?.focus();
      } else if (e.key === "Enter") {
        const target = e.target as HTMLElement;
        if (target.closest("a, button") && !target.matches("tr")) return; // the link does it
        const item = items[activeRef.current];
        if (item) {
          e.preventDefault();
          open(item);
        }
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [items, search]);

  if (error) return <Alert>{error}</Alert>;
  if (!page) return <Loading label="Loading the queue…" />;

  const counts = page.counts;
  return (
    <section aria-labelledby="queue-h" class="section-tight">
      <div class="queue-head">
        <h2 id="queue-h">
          {page.total} answer{page.total === 1 ? "" : "s"} to review
        </h2>
        <ul class="count-chips" aria-label="Counts by status">
          {STATUSES.map((s) => (
            <li key={s} class={`chip chip-${s}`}>
              <strong>{counts[s] ?? 0}</strong> {statusLabel(s).toLowerCase()}
            </li>
          ))}
        </ul>
        <p class="small muted kbd-hint">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> opens
        </p>
      </div>
      {items.length === 0 ? (
        <div class="card empty">
          <p><strong>Nothing waiting.</strong> New answers appear here once they are transcribed and scored.</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="table queue-table">
            <caption class="sr-only">Answers waiting for review; j and k move between rows, Enter opens one.</caption>
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col">Question</th>
                <th scope="col">State</th>
                <th scope="col">AI suggestion</th>
                <th scope="col">Waiting</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item, i) => (
                <tr
                  key={item.id}
                  ref={(el) => void (rows.current[i] = el)}
                  tabIndex={i === active ? 0 : -1}
                  class={i === active ? "row-active" : undefined}
                  aria-selected={i === active}
                  onFocus={() => setActive(i)}
                  onClick={(e) => {
                    if (!(e.target as HTMLElement).closest("a")) open(item);
                  }}
                >
                  <td>
                    <Link href={`/app/review/${item.id}${search}`} class="cand-name">{item.candidate_name}</Link>
                    <div class="muted small">{item.assessment_title}</div>
                  </td>
                  <td class="q-cell">
                    <span class="q-num">Q{item.question_number}</span>
                    <span class={`badge badge-${item.kind}`}>{item.kind === "video" ? "Video" : "Written"}</span>
                    {item.competency_key && <span class="badge badge-competency">{item.competency_key}</span>}
                    <div class="q-snippet" title={item.question_prompt}>{item.question_prompt}</div>
                  </td>
                  <td>
                    <span class={`badge badge-rs-${item.review_status}`}>{statusLabel(item.review_status)}</span>
                    {item.reviews_required > 1 && (
                      <div class="muted small">{item.reviews_done} of {item.reviews_required} reviews</div>
                    )}
                  </td>
                  <td><QueueSuggestion item={item} /></td>
                  <td class="nowrap">{waitingSince(item.submitted_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.next_cursor && (
            <p>
              <button type="button" class="btn" onClick={showMore}>
                Show more answers
              </button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function QueueSuggestion(props: { item: QueueItem }) {
  const { item } = props;
  if (item.suggestion_withheld) return <span class="muted">Hidden (blind review)</span>;
  if (item.abstained) return <span class="abstain-tag">AI abstained: needs your score</span>;
  if (item.suggested_score === null) return <span class="muted">—</span>;
  return (
    <span class="sugg-cell">
      <strong>{formatNumber(item.suggested_score)}</strong>
      {item.low !== null && item.high !== null && (
        <span class="muted small"> ({formatNumber(item.low)}–{formatNumber(item.high)})</span>
      )}
      {item.low !== null && item.high !== null && item.high - item.low >= 2 && (
        <span class="badge badge-wide">wide</span>
      )}
    </span>
  );
}

function CandidatesTable(props: { assessmentId: string }) {
  const query = props.assessmentId ? { assessment_id: props.assessmentId, limit: 200 } : { limit: 200 };
  const etag = useEtag();
  const loaded = useApi(() => etag.track(api.GET("/api/review/candidates", { params: { query } })), [props.assessmentId]);
  const page = loaded.data;
  const setPage = loaded.setData;
  usePoll(() => {
    if ((page?.items.length ?? 0) > 200) return; // more pages loaded: a refresh would drop them
    etag.poll((init) => api.GET("/api/review/candidates", { params: { query }, ...init })).then(
      (p) => p && setPage(p), // null: 304, nothing changed
      () => undefined,
    );
  });

  const more = useSubmit((cursor: string) => call(api.GET("/api/review/candidates", { params: { query: { ...query, cursor } } })));
  const showMore = async () => {
    if (!page?.next_cursor) return;
    const p = await more.submit(page.next_cursor);
    if (p) setPage({ ...p, items: [...page.items, ...p.items] });
  };
  const error = loaded.error ?? more.error;

  if (error) return <Alert>{error}</Alert>;
  if (!page) return <Loading label="Loading candidates…" />;
  if (page.items.length === 0) return <div class="card empty"><p>No candidate has submitted answers yet.</p></div>;
  return (
    <section aria-labelledby="cands-h" class="section-tight">
      <h2 id="cands-h">{page.total} candidate{page.total === 1 ? "" : "s"}</h2>
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Candidate</th>
              <th scope="col">Answers</th>
              <th scope="col">Reviewed</th>
              <th scope="col">Waiting</th>
              <th scope="col">Disagreements</th>
              <th scope="col">Processing</th>
              <th scope="col">Last answer</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((c) => (
              <tr key={c.invitation_id}>
                <td>
                  <div class="cand-name">{c.candidate_name}</div>
                  <div class="muted small">{c.assessment_title}</div>
                </td>
                <td>{c.responses}</td>
                <td>
                  <div class="progress-inline" aria-hidden="true">
                    <span style={{ width: `${c.responses ? (100 * c.reviewed) / c.responses : 0}%` }} />
                  </div>
                  {c.reviewed} of {c.responses}
                </td>
                <td>{c.pending + c.partial}</td>
                <td>{c.conflict ? <span class="badge badge-rs-conflict">{c.conflict}</span> : "0"}</td>
                <td>
                  {c.processing}
                  {c.failed > 0 && <span class="text-error small"> · {c.failed} failed</span>}
                </td>
                <td class="nowrap">{ago(c.last_submitted_at)}</td>
                <td class="actions">
                  <Link href={`/app/reports/${c.invitation_id}`} class="btn btn-small">Report</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.next_cursor && (
          <p>
            <button type="button" class="btn" onClick={showMore}>
              Show more candidates
            </button>
          </p>
        )}
      </div>
    </section>
  );
}

function ago(iso: string | null | undefined): string {
  const w = waitingSince(iso);
  return w === "just now" || w === "—" ? w : `${w} ago`;
}
