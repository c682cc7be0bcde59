/** A candidate's report, as staff and (read-only, without email or links) a share link see it. */
import type { ComponentChildren } from "preact";
import type { Schemas } from "../api/client";
import { Link, PageHeading, formatDateTime, formatNumber } from "../ui/components";
import { decisionLabel, reasonLabel } from "../review/labels";
import { VerdictBadge } from "../review/ProficiencyPane";
import { ScoreChart, hasInterval } from "./ScoreChart";

type Report = Schemas["InvitationReport"];
type QuestionResult = Schemas["QuestionResult"];

const COUNT_LABELS: ReadonlyArray<readonly [string, string, string]> = [
  ["confirmed", "Confirmed", "a reviewer agreed with the AI"],
  ["overridden", "Overridden", "a reviewer gave another score"],
  ["resolved", "Resolved", "a disagreement was settled"],
  ["unconfirmed", "Unconfirmed", "AI suggestion not yet reviewed"],
  ["needs_human", "Needs a person", "AI abstained or withheld"],
  ["missing", "Not answered", "no answer to score"],
];

function QuestionScore(props: { q: QuestionResult }) {
  const { q } = props;
  switch (q.source) {
    case "human":
      return (
        <span>
          <strong class="human-score">{formatNumber(q.score, 0)}</strong>
          <span class="muted small"> / {q.scale_max} · {q.decision ? decisionLabel(q.decision).toLowerCase() : "human"}</span>
        </span>
      );
    case "suggestion":
      return (
        <span class="unconfirmed">
          {formatNumber(q.score)} <span class="small">({formatNumber(q.low)}–{formatNumber(q.high)})</span>
          <span class="badge badge-unconfirmed">unconfirmed suggestion</span>
        </span>
      );
    case "abstained":
      return <span class="abstain-tag" title={q.abstain_reason ?? undefined}>AI abstained: needs a person</span>;
    case "withheld":
      return <span class="muted">Blind review pending</span>;
    case "processing":
      return <span class="muted">Processing…</span>;
    case "failed":
      return <span class="text-error">Processing failed</span>;
    default:
      return <span class="muted">Not answered</span>;
  }
}

export function ReportView(props: { report: Report; actions?: ComponentChildren; shared?: boolean; watchOnly?: boolean }) {
  const r = props.report;
  const e = r.english;
  const overallRows = [
    { label: "Overall", score: r.overall, strong: true },
    ...r.dimensions.map((d) => ({ label: d.name, score: d })),
  ];
  return (
    <article class="report">
      <header class="report-head">
        <div>
          <p class="eyebrow">{r.assessment_title}{props.shared ? " · shared report (read-only)" : ""}</p>
          <PageHeading title={`Report: ${r.candidate_name}`}>{r.candidate_name}</PageHeading>
          <p class="small muted">
            {r.candidate_email && <>{r.candidate_email} · </>}
            <span class={`badge badge-${r.status}`}>{r.status}</span> · generated {formatDateTime(r.generated_at)}
          </p>
        </div>
        {props.actions && <div class="report-actions no-print">{props.actions}</div>}
      </header>

      <div class="report-top">
        <section class="card overall-card" aria-labelledby="overall-h">
          <h2 id="overall-h">Overall</h2>
          {r.overall.partial ? (
            <p class="overall-num overall-partial" title="An overall score needs a scored answer in every dimension">
              {r.overall.note}
            </p>
          ) : (
            <p class="overall-num">
              {r.overall.score === null ? "—" : formatNumber(r.overall.score, 0)}
              <span class="muted"> / 100</span>
            </p>
          )}
          {hasInterval(r.overall) ? (
            <p class="small">{Math.round(r.level * 100)}% interval {formatNumber(r.overall.low, 0)}–{formatNumber(r.overall.high, 0)}</p>
          ) : r.overall.score !== null && r.overall.n_human === r.overall.n_scored ? (
            <p class="small">Every scored answer decided by a person</p>
          ) : null}
          <p class="small muted">
            {r.overall.n_scored} of {r.overall.n_responses} answers scored, {r.overall.n_human} by a person
          </p>
        </section>
        <section class="card english-card" aria-labelledby="eng-h">
          <h2 id="eng-h">English</h2>
          <p class="band-line">
            <span class="band-code">{e.ai_withheld ? "hidden" : e.band ?? "—"}</span>
            {e.band_low && e.band_high && e.band_low !== e.band_high && <span class="small muted"> range {e.band_low}–{e.band_high}</span>}
          </p>
          <p class="small">
            Threshold {e.threshold}: <VerdictBadge verdict={e.verdict ?? "not_enough_speech"} threshold={e.threshold} />
          </p>
          {e.confirmed_level ? (
            <p class="small english-confirmed">
              Confirmed by a person: <strong>{e.confirmed_level}</strong>
              {e.confirmed_by ? ` (${e.confirmed_by})` : ""}
              {e.confirmed_agrees === false && e.band ? `, corrected from the AI's ${e.band}` : e.confirmed_agrees ? ", agreeing with the AI" : ""}
              {e.confirmed_reason ? <span class="muted"> · “{e.confirmed_reason}”</span> : null}
            </p>
          ) : (
            <p class="small muted">AI estimate, not yet confirmed by a person.</p>
          )}
          <p class="small muted">From {e.responses} answer{e.responses === 1 ? "" : "s"} ({e.words} words); separate from the scores.</p>
        </section>
        <section class="card counts-card" aria-labelledby="counts-h">
          <h2 id="counts-h">Human review</h2>
          <dl class="counts">
            {COUNT_LABELS.map(([k, label, help]) => (
              <div key={k} class={`count-${k}`} title={help}>
                <dt>{label}</dt>
                <dd>{r.counts[k] ?? 0}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>

      <section class="card" aria-labelledby="dims-chart-h">
        <h2 id="dims-chart-h">Dimensions</h2>
        <ScoreChart id="chart-dims" rows={overallRows} title="Overall and dimension scores out of 100, with intervals" />
      </section>
      {r.competencies.length > 0 && (
        <section class="card" aria-labelledby="comp-chart-h">
          <h2 id="comp-chart-h">Competencies</h2>
          <ScoreChart id="chart-comps" rows={r.competencies.map((c) => ({ label: c.name, score: c }))} title="Competency scores out of 100, with intervals" />
        </section>
      )}

      <section class="section" aria-labelledby="qs-h">
        <h2 id="qs-h">Questions</h2>
        <div class="table-wrap">
          <table class="table report-q">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Question</th>
                <th scope="col">Competency</th>
                <th scope="col">Score</th>
                <th scope="col">English</th>
                {(!props.shared || r.media_included) && <th scope="col" class="no-print"><span class="sr-only">{props.shared ? "Answer" : "Review"}</span></th>}
              </tr>
            </thead>
            <tbody>
              {r.questions.map((q) => (
                <tr key={q.question_id}>
                  <td class="q-num">Q{q.number}</td>
                  <td class="q-prompt-cell">{q.prompt}</td>
                  <td>
                    {q.competency ?? "—"}
                    {q.dimension && <div class="muted small">{q.dimension}</div>}
                  </td>
                  <td><QuestionScore q={q} /></td>
                  <td>{q.english_band ?? "—"}</td>
                  {props.shared && r.media_included && (
                    <td class="no-print actions">
                      {(r.answers ?? []).some((a) => a.question_id === q.question_id) && (
                        <a href={`#answer-q${q.number}`} class="btn btn-small">
                          Watch<span class="sr-only"> the answer to Q{q.number}</span>
                        </a>
                      )}
                    </td>
                  )}
                  {!props.shared && (
                    <td class="no-print actions">
                      {q.response_id && props.watchOnly && (
                        <Link href={`/app/answers/${q.response_id}?back=${encodeURIComponent(`/app/reports/${r.invitation_id}`)}`} class="btn btn-small">
                          Watch<span class="sr-only"> the answer to Q{q.number}</span>
                        </Link>
                      )}
                      {q.response_id && !props.watchOnly && (
                        <Link href={`/app/review/${q.response_id}`} class="btn btn-small">
                          {q.confirmed ? "View" : "Review"}
                        </Link>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section class="section" aria-labelledby="notes-h">
        <h2 id="notes-h">Reviewer notes</h2>
        {r.notes.length === 0 ? (
          <p class="muted">No notes yet.</p>
        ) : (
          <ul class="notes">
            {r.notes.map((n, i) => (
              <li key={i} class="card note">
                <div class="rv-head">
                  <strong>Q{n.question_number}</strong>
                  <span>{n.reviewer_name ?? "A former reviewer"}</span>
                  <span class={`badge badge-${n.decision}`}>{decisionLabel(n.decision)}</span>
                  <span class="review-score">{n.score}</span>
                  <span class="small muted">{formatDateTime(n.created_at)}</span>
                </div>
                {n.reason_code && <div class="small">Reason: {reasonLabel(n.reason_code)}</div>}
                {n.comment && <p class="review-comment">{n.comment}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
