/** One question: how the AI's suggestions agree with reviewers' decisions, its exemplars by level
 * (add, edit, retire, each previewed before saving) and re-scoring of pending answers. */
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { MeContext } from "../../staff/StaffShell";
import { Alert, Link, Loading, PageHeading } from "../../ui/components";
import { questionLabel } from "../../ui/questions";
import { useApi, useSubmit } from "../../ui/useApi";
import { ConfusionMatrix, MetricBars, MetricFacts } from "./charts";
import { ExemplarsSection, draftBody, draftLabel, type Draft } from "./Exemplars";
import { PreviewPanel } from "./PreviewPanel";
import { RescorePanel } from "./RescorePanel";

type Agreement = Schemas["QuestionAgreementOut"];
type Preview = Schemas["AgreementPreviewOut"];

const ABSTAIN_WORDS: Record<string, string> = {
  unspecified: "no reason given",
};

export function AgreementPage(props: { questionId: string }) {
  const me = useContext(MeContext);
  const isAdmin = me?.role === "admin";
  const path = { question_id: props.questionId };
  const loaded = useApi<Agreement>(() => call(api.GET("/api/questions/{question_id}/agreement", { params: { path } })), [props.questionId]);
  const data = loaded.data;
  const loadError = loaded.error;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [preview, setPreview] = useState<{ key: string; label: string; out: Preview; draft: Draft | null } | null>(null);
  // One action at a time (a preview or a save), said in words while it runs.
  const work = useSubmit((action: () => Promise<void>) => action());
  const [doing, setDoing] = useState("");
  const busy = work.busy ? doing : null;
  const { error, setError } = work;
  const [notice, setNotice] = useState<string | null>(null);
  const previewRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (preview) previewRef.current?.querySelector<HTMLElement>("#preview")?.focus();
  }, [preview?.out]);

  async function runPreview(d: Draft | null) {
    setDoing("Scoring the reviewed answers…");
    setNotice(null);
    await work.submit(async () => {
      const out = await call(api.POST("/api/questions/{question_id}/agreement/preview", {
        params: { path },
        body: d ? draftBody(d) : null, // null: saved exemplars vs. stored suggestions
      }));
      setPreview({ key: JSON.stringify(d), label: d ? draftLabel(d) : "saved exemplars vs. stored suggestions", out, draft: d });
    });
  }

  async function save() {
    const d = draft;
    if (!d) return;
    setDoing("Saving…");
    await work.submit(async () => {
      if (d.kind === "add") {
        await call(api.POST("/api/questions/{question_id}/exemplars", { params: { path }, body: { level: d.level, text: d.text } }));
        setNotice(`Exemplar added at level ${d.level}. Re-score pending answers below to use it on them.`);
      } else if (d.kind === "edit") {
        await call(api.PATCH("/api/exemplars/{exemplar_id}", { params: { path: { exemplar_id: d.id } }, body: { level: d.level, text: d.text } }));
        setNotice("Exemplar saved. Re-score pending answers below to use it on them.");
      } else {
        await call(api.POST("/api/exemplars/{exemplar_id}/retire", { params: { path: { exemplar_id: d.id } } }));
        setNotice(`Exemplar retired (level ${d.level}). The AI no longer uses it.`);
      }
      setDraft(null);
      setPreview(null);
      await loaded.reload();
    });
  }

  const actions = {
    open: (d: Draft) => {
      setDraft(d);
      setError(null);
      setNotice(null);
    },
    change: (d: Draft) => setDraft(d),
    cancel: () => {
      setDraft(null);
      if (preview?.draft) setPreview(null);
    },
    preview: () => void runPreview(draft),
    save: () => void save(),
  };

  if (loadError) {
    return (
      <>
        <nav class="crumbs" aria-label="Breadcrumb"><Link href="/app">Assessments</Link></nav>
        <Alert>{loadError}</Alert>
      </>
    );
  }
  if (!data) return <Loading label="Loading the agreement figures…" />;
  const q = data.question;
  const m = data.metrics;
  const stale = !!preview && !!preview.draft && preview.key !== JSON.stringify(draft);
  const reasons = Object.entries(m.abstain_reasons);

  const head = (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href={`/app/assessments/${q.assessment_id}`}>{q.assessment_title}</Link>
      </nav>
      <p class="eyebrow">
        {q.assessment_title} · {questionLabel(q.number)}{q.competency_name ? ` · ${q.competency_name}` : ""} · {q.kind === "video" ? "video" : "written"}
      </p>
      <PageHeading title={`Exemplars & agreement: ${questionLabel(q.number)}`}>Exemplars and AI agreement with reviewers</PageHeading>
      <p class="lead q-prompt">{q.prompt}</p>
    </>
  );

  if (q.is_practice) {
    return (
      <div class="agreement-page">
        {head}
        <p class="empty-note">
          This is a practice question: its answers are not scored or reviewed, so there are no exemplars to curate and
          no agreement to measure.
        </p>
      </div>
    );
  }

  return (
    <div class="agreement-page">
      {head}

      {notice && <Alert kind="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {busy && <Loading label={busy} />}

      <section class="card" aria-labelledby="figures-h">
        <div class="section-head">
          <h2 id="figures-h">How the AI agrees with reviewers</h2>
          {isAdmin && m.n > 0 && (
            <button type="button" class="btn btn-small" disabled={!!busy} onClick={() => void runPreview(null)}
              title="Score the reviewed answers again with the saved exemplars and compare with what reviewers saw">
              Compare with the saved exemplars
            </button>
          )}
        </div>
        <p class="small muted">
          The AI's suggested level against the reviewers' final score, over {m.n} reviewed answer{m.n === 1 ? "" : "s"}
          {m.n > m.n_scored ? ` (${m.n - m.n_scored} where the AI abstained are left out of the rates)` : ""}.
        </p>
        <MetricFacts metrics={m} />
        {m.n === 0 ? (
          <p class="empty-note">No reviewed answers yet. The figures appear once reviewers decide answers to this question.</p>
        ) : (
          <div class="agreement-grid">
            <MetricBars id="cur-bars" metrics={m} title="Agreement of the AI's suggestions with reviewers' scores" />
            <ConfusionMatrix id="cur-cm" metrics={m} title="Reviewers' final scores against the AI's suggested levels" />
          </div>
        )}
        {reasons.length > 0 && (
          <p class="small">
            AI abstained: {reasons.map(([k, n]) => `${ABSTAIN_WORDS[k] ?? k.replace(/_/g, " ")} (${n})`).join(", ")}.
          </p>
        )}
      </section>

      <div ref={previewRef}>
        {preview && (
          <PreviewPanel preview={preview.out} label={preview.label} stale={stale} busy={!!busy}
            onClose={() => setPreview(null)}
            onSave={preview.draft && draft ? () => void save() : null}
            saveLabel={draft?.kind === "retire" ? "Retire it" : draft?.kind === "add" ? "Save exemplar" : "Save changes"}
            danger={draft?.kind === "retire"} />
        )}
      </div>

      <ExemplarsSection exemplars={q.exemplars} min={q.scale_min} max={q.scale_max} levels={q.levels}
        draft={draft} busy={!!busy} canEdit={isAdmin} actions={actions} />

      {isAdmin && (
        <RescorePanel questionId={props.questionId} assessmentId={q.assessment_id} assessmentTitle={q.assessment_title}
          onDone={() => void loaded.reload()} />
      )}
    </div>
  );
}
