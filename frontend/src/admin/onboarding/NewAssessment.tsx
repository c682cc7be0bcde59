/**
 * "New assessment" in three guided steps, aimed at a first assessment in under ten minutes:
 * 1. start from a template (or blank), 2. adjust title, weights and questions, 3. invite the
 * first candidate, then land on the new assessment.
 */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { navigate } from "../../router";
import { InviteForm, NewLink } from "../../staff/invitations";
import { Alert, Link, Loading, PageHeading } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";
import { DimensionsEditor } from "../builder/DimensionsEditor";
import { QuestionsEditor } from "../builder/QuestionsEditor";

type Assessment = Schemas["AssessmentOut"];
type Template = Schemas["TemplateOut"];
const STEPS = ["Start", "Adjust", "Invite"] as const;

export function NewAssessment(props: { query: URLSearchParams }) {
  const id = props.query.get("id");
  const step = id ? (props.query.get("step") === "invite" ? 3 : 2) : 1;
  const {
    data: a,
    error,
    setData: setA,
  } = useApi(
    () => (id ? call(api.GET("/api/assessments/{assessment_id}", { params: { path: { assessment_id: id } } })) : Promise.resolve(null)),
    [id],
  );

  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb"><Link href="/app">Assessments</Link></nav>
      <PageHeading title="New assessment">New assessment</PageHeading>
      <ol class="stepper" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s} class={i + 1 === step ? "current" : i + 1 < step ? "done" : undefined} aria-current={i + 1 === step ? "step" : undefined}>
            <span class="step-num" aria-hidden="true">{i + 1 < step ? "✓" : i + 1}</span> {s}
          </li>
        ))}
      </ol>
      {error && <Alert>{error}</Alert>}
      {step === 1 && <StartStep />}
      {step > 1 && !a && !error && <Loading />}
      {step === 2 && a && <AdjustStep a={a} onChange={setA} />}
      {step === 3 && a && <InviteStep a={a} />}
    </>
  );
}

function StartStep() {
  const loaded = useApi<Template[]>(() => call(api.GET("/api/assessment-templates")), []);
  const templates = loaded.data;
  const [chosen, setChoice] = useState<string>("");
  const choice = chosen || (templates ? templates[0]?.id ?? "blank" : "");
  const [title, setTitle] = useState("");
  const [role, setRole] = useState("");
  const creating = useSubmit(async () => {
    let made: Assessment;
    if (choice === "blank") {
      // Role-neutral competencies (role skills and the behavioural ones); questions picked
      // from the bank bring their own competency, and the next step can split and weigh them.
      const { neutral_dimensions } = await call(api.GET("/api/bank/roles"));
      made = await call(
        api.POST("/api/assessments", {
          body: { title: title.trim(), role: role.trim() || title.trim(), intro: "", dimensions: neutral_dimensions },
        }),
      );
    } else {
      made = await call(api.POST("/api/assessments/from-template", { body: { template_id: choice, title: title.trim() || null } }));
    }
    navigate(`/app/assessments/new?id=${encodeURIComponent(made.id)}&step=adjust`, { replace: true });
  });
  const busy = creating.busy;
  const error = loaded.error ?? creating.error;
  function create(event: Event) {
    event.preventDefault();
    void creating.submit();
  }

  if (!templates && !error) return <Loading label="Loading templates…" />;
  const blank = choice === "blank";
  return (
    <form onSubmit={create} aria-labelledby="start-h">
      <h2 id="start-h">1. Start from a template</h2>
      <p class="muted">Templates are ready to invite: bank questions with rubrics and exemplars, and weights tuned to the focus. You can change everything next.</p>
      <div class="template-grid" role="radiogroup" aria-labelledby="start-h">
        {(templates ?? []).map((t) => (
          <label key={t.id} class={`card template-card ${choice === t.id ? "chosen" : ""}`}>
            <input type="radio" name="template" value={t.id} checked={choice === t.id} onChange={() => setChoice(t.id)} />
            <span class="template-name">{t.name}</span>
            <span class="small">{t.description}</span>
            <span class="small muted">
              {t.question_count} questions · about {t.estimated_minutes} min ·{" "}
              {Object.entries(t.weights).map(([k, v]) => `${k} ${v}%`).join(", ")}
            </span>
          </label>
        ))}
        <label class={`card template-card ${blank ? "chosen" : ""}`}>
          <input type="radio" name="template" value="blank" checked={blank} onChange={() => setChoice("blank")} />
          <span class="template-name">Blank assessment</span>
          <span class="small">No questions yet: pick them from the bank or write your own.</span>
        </label>
      </div>
      <div class="details-grid">
        <div class="field">
          <label for="new-title">Title{blank ? "" : " (optional)"}</label>
          <input id="new-title" maxLength={200} required={blank} placeholder={blank ? "" : "Defaults to the template's name"} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </div>
        {blank && (
          <div class="field">
            <label for="new-role">Role</label>
            <input id="new-role" maxLength={200} required value={role} onInput={(e) => setRole(e.currentTarget.value)} />
          </div>
        )}
      </div>
      {error && <Alert>{error}</Alert>}
      <button type="submit" class="btn btn-primary btn-large" disabled={busy || !choice}>
        {busy ? "Creating…" : "Create and continue"}
      </button>
    </form>
  );
}

function AdjustStep(props: { a: Assessment; onChange: (a: Assessment) => void }) {
  const { a } = props;
  const [title, setTitle] = useState(a.title);
  const [saved, setSaved] = useState(false);
  const saving = useSubmit(() =>
    call(api.PATCH("/api/assessments/{assessment_id}", { params: { path: { assessment_id: a.id } }, body: { title: title.trim() } })),
  );
  const titleMsg = saving.error ? { kind: "error" as const, text: saving.error } : saved ? { kind: "success" as const, text: "Title saved." } : null;

  async function saveTitle(event: Event) {
    event.preventDefault();
    setSaved(false);
    const out = await saving.submit();
    if (out) {
      props.onChange(out);
      setSaved(true);
    }
  }

  return (
    <>
      <h2>2. Adjust “{a.title}”</h2>
      <form class="inline-form" onSubmit={saveTitle} aria-label="Title">
        <div class="field">
          <label for="adj-title">Title</label>
          <input id="adj-title" maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn">Save title</button>
      </form>
      {titleMsg && <Alert kind={titleMsg.kind}>{titleMsg.text}</Alert>}
      <section class="section" aria-labelledby="adj-w-h">
        <h3 id="adj-w-h">Weights</h3>
        <DimensionsEditor assessment={a} onSaved={props.onChange} idPrefix="adj" weightsOnly />
      </section>
      <section class="section" aria-labelledby="adj-q-h">
        <h3 id="adj-q-h">Questions ({a.questions.length})</h3>
        <QuestionsEditor assessment={a} onChange={props.onChange} compact />
      </section>
      <div class="actions-row section">
        <button type="button" class="btn btn-primary btn-large" onClick={() => navigate(`/app/assessments/new?id=${encodeURIComponent(a.id)}&step=invite`)}>
          Continue: invite a candidate
        </button>
        <Link href={`/app/assessments/${encodeURIComponent(a.id)}/edit`} class="btn">More settings</Link>
      </div>
    </>
  );
}

function InviteStep(props: { a: Assessment }) {
  const [created, setCreated] = useState<Schemas["InvitationInvited"] | null>(null);
  const href = `/app/assessments/${encodeURIComponent(props.a.id)}`;
  return (
    <>
      <h2>3. Invite your first candidate</h2>
      {props.a.status !== "active" && (
        <Alert kind="warning">This assessment is {props.a.status}; activate it under “More settings” before inviting.</Alert>
      )}
      {!created && <InviteForm assessmentId={props.a.id} onCreated={setCreated} />}
      {created && <NewLink created={created} onDismiss={() => navigate(href)} dismissLabel="Open the assessment" />}
      <div class="actions-row">
        {!created && <Link href={href} class="btn">Skip: open the assessment</Link>}
      </div>
    </>
  );
}
