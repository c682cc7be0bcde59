/** The shortlist of an assessment: candidates ranked by overall score with its interval,
 * filtered; pick some to see them side by side, with where to probe next. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { Alert, Link, Loading, PageHeading, formatNumber } from "../ui/components";
import { useApi } from "../ui/useApi";

type Out = Schemas["ShortlistOut"];
type Row = Out["rows"][number];
type Score = Schemas["ScoreOut"];

const PAGE = 50;
const MAX_PAGE = 1000; // the API's largest page

function scoreText(s: Score): string {
  if (s.score === null) return s.note || "not scored";
  const iv = s.low !== null && s.high !== null ? ` [${formatNumber(s.low, 0)}–${formatNumber(s.high, 0)}]` : "";
  return `${formatNumber(s.score, 0)}${iv}`;
}

function decisionText(d: string | null): string {
  return d === null ? "no decision" : d.replace("_", " ");
}

export function ShortlistPage(props: { id: string }) {
  const [english, setEnglish] = useState(false);
  const [minComp, setMinComp] = useState("");
  const [reviewed, setReviewed] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const min = minComp.trim() === "" ? undefined : Number(minComp);
  const badMin = min !== undefined && (!Number.isFinite(min) || min < 0 || min > 100);
  // Pages of ranked rows: "Show more" asks for a longer first page (the server caches the scores).
  const [count, setCount] = useState(PAGE);
  const filters = `${props.id}|${english}|${reviewed}|${badMin ? "" : minComp}`;
  useEffect(() => setCount(PAGE), [filters]);
  const loaded = useApi<Out>(
    () => call(api.GET("/api/reports/assessments/{assessment_id}/shortlist", {
      params: {
        path: { assessment_id: props.id },
        query: {
          english_meets: english,
          fully_reviewed: reviewed,
          limit: count,
          ...(min !== undefined && !badMin ? { min_competency: min } : {}),
        },
      },
    })),
    [filters, count],
  );
  // While a longer page loads, the rows already shown stay (same filters only).
  const last = useRef<{ filters: string; out: Out } | null>(null);
  if (loaded.data) last.current = { filters, out: loaded.data };
  const data = loaded.data ?? (last.current?.filters === filters ? last.current.out : null);
  const error = loaded.error;
  // After "Show more", focus moves to the first new candidate (the button may be gone by then).
  const focusRow = useRef<number | null>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    const at = focusRow.current;
    if (at === null || !loaded.data) return;
    focusRow.current = null;
    body.current?.rows[at]?.querySelector<HTMLElement>("a.cand-name")?.focus();
  }, [loaded.data]);
  const showMore = () => {
    if (!loaded.data) return; // still loading the last page asked for
    focusRow.current = loaded.data.rows.length;
    setCount(Math.min(MAX_PAGE, count + PAGE));
  };
  const crumbs = (
    <nav class="crumbs" aria-label="Breadcrumb">
      <Link href={`/app/assessments/${props.id}`}>{data?.assessment_title ?? "Assessment"}</Link>
    </nav>
  );
  const toggle = (id: string) => setPicked(picked.includes(id) ? picked.filter((x) => x !== id) : [...picked, id]);
  const chosen = (data?.rows ?? []).filter((r) => picked.includes(r.invitation_id));
  return (
    <>
      {crumbs}
      <PageHeading title={`Shortlist: ${data?.assessment_title ?? ""}`}>Shortlist</PageHeading>
      <form class="inline-form shortlist-filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label class="check">
          <input type="checkbox" checked={english} onChange={(e) => setEnglish(e.currentTarget.checked)} />
          English at or above {data?.english_threshold ?? "the threshold"}
        </label>
        <div class="field field-narrow">
          <label for="min-comp">No competency below</label>
          <input id="min-comp" type="number" min={0} max={100} step={5} value={minComp} aria-invalid={badMin}
            onInput={(e) => setMinComp(e.currentTarget.value)} />
          {badMin && <span class="text-error small">A score from 0 to 100.</span>}
        </div>
        <label class="check">
          <input type="checkbox" checked={reviewed} onChange={(e) => setReviewed(e.currentTarget.checked)} />
          Only fully reviewed
        </label>
      </form>
      {error && <Alert>{error}</Alert>}
      {!data && !error && <Loading label="Ranking the candidates…" />}
      {data && (
        <>
          <p class="small muted" role="status">
            {data.shown} of {data.total} candidates with answers. Scores out of 100 with their intervals; overlapping
            intervals mean the difference is not clear.
          </p>
          {data.rows.length === 0 ? <div class="card empty"><p>No candidate matches these filters.</p></div> : (
            <div class="table-wrap">
              <table class="table shortlist-table">
                <caption class="sr-only">Candidates ranked by overall score</caption>
                <thead>
                  <tr>
                    <th scope="col">Compare</th><th scope="col">#</th><th scope="col">Candidate</th>
                    <th scope="col">Overall</th><th scope="col">English</th><th scope="col">Reviewed</th>
                    <th scope="col">Team rating</th><th scope="col">Decision</th>
                  </tr>
                </thead>
                <tbody ref={body}>
                  {data.rows.map((r) => (
                    <tr key={r.invitation_id} class={picked.includes(r.invitation_id) ? "picked" : ""}>
                      <td>
                        <input type="checkbox" checked={picked.includes(r.invitation_id)} onChange={() => toggle(r.invitation_id)}
                          aria-label={`Compare ${r.candidate_name}`} />
                      </td>
                      <td>{r.rank}</td>
                      <th scope="row"><Link href={`/app/reports/${r.invitation_id}`} class="cand-name">{r.candidate_name}</Link></th>
                      <td>{scoreText(r.overall)}</td>
                      <td>{r.english.band ?? "—"} <span class="small muted">{r.english.verdict.replaceAll("_", " ")}</span></td>
                      <td>{r.fully_reviewed ? "yes" : `${r.confirmed} of ${r.confirmed + r.unconfirmed}`}</td>
                      <td>{r.mean_rating !== null ? `${formatNumber(r.mean_rating, 1)} / 5` : r.ratings ? "after yours" : "—"}</td>
                      <td>{decisionText(r.decision)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {data.rows.length < data.shown && (
            <p class="actions-row">
              {/* aria-disabled, not disabled: a disabled button would drop the focus while loading */}
              <button type="button" class="btn" aria-disabled={!loaded.data} onClick={showMore}>
                {loaded.data ? `Show ${Math.min(PAGE, data.shown - data.rows.length)} more` : "Loading…"}
              </button>
              <span class="small muted">
                Showing the top {data.rows.length} of {data.shown}
                {data.rows.length >= MAX_PAGE ? ` (the first ${MAX_PAGE}; narrow the filters to see others)` : ""}.
              </span>
            </p>
          )}
          {chosen.length > 0 && <SideBySide rows={chosen} />}
        </>
      )}
    </>
  );
}

function SideBySide(props: { rows: Row[] }) {
  const first = props.rows[0]!;
  return (
    <section class="section" aria-labelledby="side-h">
      <h2 id="side-h">Side by side ({props.rows.length})</h2>
      <div class="table-wrap">
        <table class="table side-by-side">
          <caption class="sr-only">Picked candidates by dimension and competency</caption>
          <thead>
            <tr><th scope="col"></th>{props.rows.map((r) => <th scope="col" key={r.invitation_id}>{r.candidate_name}</th>)}</tr>
          </thead>
          <tbody>
            <tr><th scope="row">Overall</th>{props.rows.map((r) => <td key={r.invitation_id}>{scoreText(r.overall)}</td>)}</tr>
            {first.dimensions.map((d, i) => (
              <tr key={`d-${d.name}`}><th scope="row">{d.name}</th>{props.rows.map((r) => <td key={r.invitation_id}>{r.dimensions[i] ? scoreText(r.dimensions[i]!) : "—"}</td>)}</tr>
            ))}
            {first.competencies.map((c, i) => (
              <tr key={`c-${c.name}`} class="competency-row"><th scope="row" class="small">{c.name}</th>{props.rows.map((r) => <td key={r.invitation_id} class="small">{r.competencies[i] ? scoreText(r.competencies[i]!) : "—"}</td>)}</tr>
            ))}
            <tr><th scope="row">English</th>{props.rows.map((r) => <td key={r.invitation_id}>{r.english.band ?? "—"} ({r.english.verdict.replaceAll("_", " ")})</td>)}</tr>
            <tr>
              <th scope="row">Team notes</th>
              {props.rows.map((r) => (
                <td key={r.invitation_id} class="team-notes">
                  <span class="small muted">{r.notes} note{r.notes === 1 ? "" : "s"}, {r.ratings} rating{r.ratings === 1 ? "" : "s"}</span>
                  {r.team_notes.length > 0 && (
                    <ul>
                      {r.team_notes.map((n) => (
                        <li key={n.id}><strong>{n.author_name}</strong>: {n.body}</li>
                      ))}
                    </ul>
                  )}
                </td>
              ))}
            </tr>
            <tr><th scope="row">Decision</th>{props.rows.map((r) => <td key={r.invitation_id}>{decisionText(r.decision)}{r.decision_reason ? ` · ${r.decision_reason}` : ""}</td>)}</tr>
            <tr>
              <th scope="row">Where to probe</th>
              {props.rows.map((r) => (
                <td key={r.invitation_id} class="probe">
                  {r.probe.length === 0 ? "—" : (
                    <ul>
                      {r.probe.map((p) => (
                        <li key={p.competency}>
                          <strong>{p.competency}</strong> <span class="small muted">({p.why}{p.score !== null ? `, ${formatNumber(p.score, 0)}` : ""})</span>
                          {p.questions.length > 0 && <ol class="small">{p.questions.map((q) => <li key={q.bank_id}>{q.prompt}</li>)}</ol>}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}
