/** The assessment builder (admins): details and settings, dimensions and weights, questions. */
import { useContext } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { MeContext } from "../../staff/StaffShell";
import { Alert, Link, Loading, PageHeading } from "../../ui/components";
import { useApi } from "../../ui/useApi";
import { DetailsForm } from "./DetailsForm";
import { DimensionsEditor } from "./DimensionsEditor";
import { QuestionsEditor } from "./QuestionsEditor";

type Assessment = Schemas["AssessmentOut"];

export function BuilderPage(props: { id: string }) {
  const me = useContext(MeContext);
  const { data: a, error, setData: setA } = useApi<Assessment>(
    () => call(api.GET("/api/assessments/{assessment_id}", { params: { path: { assessment_id: props.id } } })),
    [props.id],
  );

  const back = <nav class="crumbs" aria-label="Breadcrumb"><Link href={`/app/assessments/${encodeURIComponent(props.id)}`}>{a ? a.title : "Assessment"}</Link></nav>;
  if (error) return <>{back}<Alert>{error}</Alert></>;
  if (!a) return <Loading />;
  if (me && me.role !== "admin") {
    return (
      <>
        {back}
        <PageHeading title={`Edit ${a.title}`}>Edit {a.title}</PageHeading>
        <Alert kind="info">Only admins can change an assessment. Ask an admin of your organization.</Alert>
      </>
    );
  }

  return (
    <>
      {back}
      <div class="title-row">
        <PageHeading title={`Edit ${a.title}`}>Edit “{a.title}”</PageHeading>
        <span class={`badge badge-${a.status}`}>{a.status}</span>
      </div>
      <p class="muted">Changes are saved section by section. Questions that candidates already answered keep their kind and cannot be deleted.</p>
      <nav class="jump" aria-label="On this page">
        <a href="#b-details-h">Details and settings</a>
        <a href="#b-dims-h">Dimensions and weights</a>
        <a href="#b-qs-h">Questions</a>
      </nav>
      <section class="section" aria-labelledby="b-details-h">
        <h2 id="b-details-h">Details and settings</h2>
        <DetailsForm key={a.id} assessment={a} onSaved={setA} />
      </section>
      <section class="section" aria-labelledby="b-dims-h">
        <h2 id="b-dims-h">Dimensions and weights</h2>
        <p class="muted small">Each answer is scored on its question's competency; competencies roll up into dimensions by these weights.</p>
        <DimensionsEditor assessment={a} onSaved={setA} />
      </section>
      <section class="section" aria-labelledby="b-qs-h">
        <h2 id="b-qs-h">Questions ({a.questions.length})</h2>
        <QuestionsEditor assessment={a} onChange={setA} />
      </section>
      <div class="actions-row section">
        <Link href={`/app/assessments/${encodeURIComponent(a.id)}`} class="btn btn-primary">Done: back to the assessment</Link>
      </div>
    </>
  );
}
