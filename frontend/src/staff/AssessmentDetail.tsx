/** One assessment: its scoring dimensions, questions with rubrics, and invitations. */
import { useContext } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { Alert, Link, Loading, PageHeading, humanSeconds } from "../ui/components";
import { candidateOrder } from "../ui/questions";
import { AssessmentMembers } from "./AssessmentMembers";
import { Invitations } from "./invitations";
import { MeContext } from "./StaffShell";
import { RubricView, levelList } from "../ui/RubricView";
import { useApi } from "../ui/useApi";

type Assessment = Schemas["AssessmentOut"];
type Question = Schemas["QuestionOut"];

export function AssessmentDetail(props: { id: string }) {
  const me = useContext(MeContext);
  const { data: assessment, error } = useApi<Assessment>(
    () => call(api.GET("/api/assessments/{assessment_id}", { params: { path: { assessment_id: props.id } } })),
    [props.id],
  );

  if (error) {
    return (
      <>
        <nav class="crumbs" aria-label="Breadcrumb"><Link href="/app">Assessments</Link></nav>
        <Alert>{error}</Alert>
      </>
    );
  }
  if (!assessment) return <Loading />;

  const competencyNames = new Map<string, string>();
  for (const d of assessment.dimensions) for (const c of d.competencies) competencyNames.set(c.key, c.name);

  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href="/app">Assessments</Link>
      </nav>
      <div class="title-row">
        <PageHeading title={assessment.title}>{assessment.title}</PageHeading>
        <span class={`badge badge-${assessment.status}`}>{assessment.status}</span>
      </div>
      <p class="lead">{assessment.role}</p>
      <div class="actions-row page-actions">
        {me?.role !== "hiring_manager" && (
          <Link href={`/app/review?assessment=${encodeURIComponent(assessment.id)}`} class="btn btn-primary">Review answers</Link>
        )}
        <Link href={`/app/assessments/${encodeURIComponent(assessment.id)}/shortlist`} class="btn">Shortlist</Link>
        <Link href={`/app/assessments/${encodeURIComponent(assessment.id)}/compare`} class="btn">Compare candidates</Link>
        {me?.role === "admin" && (
          <>
            <Link href={`/app/assessments/${encodeURIComponent(assessment.id)}/edit`} class="btn">Edit assessment</Link>
            <Link href={`/app/assessments/${encodeURIComponent(assessment.id)}/fairness`} class="btn">Fairness report</Link>
          </>
        )}
      </div>
      {assessment.intro && <p class="intro-text">{assessment.intro}</p>}
      <nav class="jump" aria-label="On this page">
        <a href="#dims-h">Scoring dimensions</a>
        <a href="#qs-h">Questions</a>
        <a href="#inv-h">Invitations</a>
      </nav>

      <section aria-labelledby="dims-h" class="section">
        <h2 id="dims-h">Scoring dimensions</h2>
        <div class="dims">
          {assessment.dimensions.map((d) => (
            <article key={d.id} class="card dim">
              <header class="dim-head">
                <h3>{d.name}</h3>
                <span class="weight" aria-label={`Weight ${d.weight} percent`}>
                  {formatWeight(d.weight)}%
                </span>
              </header>
              <div class="bar" aria-hidden="true">
                <span style={{ width: `${Math.min(100, d.weight)}%` }} />
              </div>
              <ul class="competencies">
                {d.competencies.map((c) => (
                  <li key={c.id}>
                    <strong>{c.name}</strong>
                    {c.description && <span class="muted"> — {c.description}</span>}
                  </li>
                ))}
              </ul>
            </article>
          ))}
        </div>
      </section>

      <section aria-labelledby="qs-h" class="section">
        <h2 id="qs-h">Questions ({assessment.questions.length})</h2>
        <ol class="questions">
          {candidateOrder(assessment.questions).map((q) => (
            <QuestionItem key={q.id} q={q} competency={q.competency ? competencyNames.get(q.competency) ?? q.competency : null} />
          ))}
        </ol>
      </section>

      <Invitations assessmentId={assessment.id} />
      <AssessmentMembers assessmentId={assessment.id} isAdmin={me?.role === "admin"} />
    </>
  );
}

function formatWeight(w: number): string {
  return Number.isInteger(w) ? String(w) : w.toFixed(1);
}

function QuestionItem(props: { q: Question; competency: string | null }) {
  const { q } = props;
  const rubric = q.rubric;
  const levels = rubric ? levelList(rubric.levels) : [];
  const exemplars = rubric ? rubric.exemplars.filter((e) => !e.retired) : [];
  return (
    <li class="card question">
      <div class="q-head">
        {q.number !== null && <span class="q-num">Q{q.number}</span>}
        <span class={`badge badge-${q.kind}`}>{q.kind === "video" ? "Video" : "Written"}</span>
        {q.is_practice && <span class="badge badge-practice">Practice · not scored</span>}
        {props.competency && <span class="badge badge-competency">{props.competency}</span>}
        {q.number !== null && (
          <Link href={`/app/questions/${encodeURIComponent(q.id)}/agreement`} class="q-agreement">
            Exemplars &amp; agreement<span class="sr-only"> for Q{q.number}</span>
          </Link>
        )}
      </div>
      <p class="q-prompt">{q.prompt}</p>
      <dl class="q-settings">
        {q.kind === "video" ? (
          <>
            <div><dt>Think time</dt><dd>{humanSeconds(q.think_time_s)}</dd></div>
            <div><dt>Answer time</dt><dd>{humanSeconds(q.max_answer_s)}</dd></div>
            <div><dt>Retakes</dt><dd>{q.retakes_allowed}</dd></div>
          </>
        ) : (
          <>
            <div><dt>Time</dt><dd>{humanSeconds(q.max_answer_s)}</dd></div>
            <div><dt>Length</dt><dd>{q.max_chars.toLocaleString()} characters</dd></div>
          </>
        )}
      </dl>
      {rubric && (
        <details class="rubric">
          <summary>
            Rubric ({levels.length} levels) and {exemplars.length} exemplar{exemplars.length === 1 ? "" : "s"}
          </summary>
          <div class="rubric-body">
            <RubricView reveals={rubric.reveals} redFlags={rubric.red_flags} levels={levels}
              exemplars={exemplars.map((e) => ({ key: e.id, level: e.level, text: e.text }))} />
          </div>
        </details>
      )}
    </li>
  );
}
