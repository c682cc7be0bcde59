/** The questions of an assessment: add (new or from the bank), edit, delete, reorder. */
import { useEffect, useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { Alert, Link, humanSeconds } from "../../ui/components";
import { candidateOrder } from "../../ui/questions";
import { useSubmit } from "../../ui/useApi";
import { BankPicker } from "../bank/BankPicker";
import { NEW_QUESTION, QuestionForm, draftOf, type QuestionDraft } from "./QuestionForm";

type Assessment = Schemas["AssessmentOut"];
type Question = Schemas["QuestionOut"];

function body(d: QuestionDraft) {
  return {
    prompt: d.prompt,
    kind: d.kind,
    competency: d.competency,
    think_time_s: d.think_time_s,
    max_answer_s: d.max_answer_s,
    max_chars: d.max_chars,
    retakes_allowed: d.retakes_allowed,
    is_practice: d.is_practice,
  };
}

/** The rubric's words as the API takes them: only the levels that are described. */
function rubricText(d: QuestionDraft) {
  return {
    levels: Object.entries(d.rubric.levels)
      .filter(([, v]) => v.trim())
      .map(([k, v]) => ({ level: Number(k), descriptor: v.trim() })),
    red_flags: d.rubric.red_flags.trim(),
    reveals: d.rubric.reveals.trim(),
  };
}

const hasRubric = (d: QuestionDraft) => {
  const t = rubricText(d);
  return t.levels.length > 0 || t.red_flags !== "" || t.reveals !== "" || d.rubric.exemplars.some((e) => e.text.trim());
};

/** Store the exemplar changes of an edited question: new ones added, changed ones edited, removed ones retired. */
async function saveExemplars(q: Question, d: QuestionDraft) {
  const before = new Map((q.rubric?.exemplars ?? []).filter((e) => !e.retired).map((e) => [e.id, e]));
  const kept = new Set<string>();
  for (const e of d.rubric.exemplars) {
    const text = e.text.trim();
    if (!text) continue;
    const old = e.id ? before.get(e.id) : undefined;
    if (old) {
      kept.add(old.id);
      if (old.text !== text || old.level !== e.level) {
        await call(api.PATCH("/api/exemplars/{exemplar_id}", { params: { path: { exemplar_id: old.id } }, body: { level: e.level, text } }));
      }
    } else {
      await call(api.POST("/api/questions/{question_id}/exemplars", { params: { path: { question_id: q.id } }, body: { level: e.level, text } }));
    }
  }
  for (const id of before.keys()) {
    if (!kept.has(id)) await call(api.POST("/api/exemplars/{exemplar_id}/retire", { params: { path: { exemplar_id: id } } }));
  }
}

export function QuestionsEditor(props: { assessment: Assessment; onChange: (a: Assessment) => void; compact?: boolean }) {
  const a = props.assessment;
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState<"new" | "bank" | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const change = useSubmit((request: () => Promise<void>) => request());
  const error = change.error;
  const [notice, setNotice] = useState<string | null>(null);
  const [focusAfter, setFocusAfter] = useState<string | null>(null);
  const path = { params: { path: { assessment_id: a.id } } };

  // In the order candidates meet them: practice first (it cannot be moved among scored ones).
  const questions = candidateOrder(a.questions);
  const hasPractice = questions.some((q) => q.is_practice);
  const canMove = (i: number, j: number) => j >= 0 && j < questions.length && questions[i]!.is_practice === questions[j]!.is_practice;
  const competencies = a.dimensions.flatMap((d) => d.competencies.map((c) => ({ key: c.key, name: c.name })));
  const nameOf = new Map(competencies.map((c) => [c.key, c.name]));

  useEffect(() => {
    if (!focusAfter) return;
    // Keep the keyboard where it was: on the moved question's button (or its twin at an end).
    const el = document.getElementById(focusAfter) as HTMLButtonElement | null;
    const twin = document.getElementById(focusAfter.replace(/^(up|down)-/, (_, w: string) => (w === "up" ? "down-" : "up-")));
    if (el && !el.disabled) el.focus();
    else twin?.focus();
    setFocusAfter(null);
  }, [focusAfter, a]);

  async function refresh(message: string | null) {
    props.onChange(await call(api.GET("/api/assessments/{assessment_id}", path)));
    setNotice(message);
  }

  async function move(q: Question, delta: -1 | 1) {
    const i = questions.findIndex((x) => x.id === q.id);
    const j = i + delta;
    if (!canMove(i, j)) return;
    const ids = questions.map((x) => x.id);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    await change.submit(async () => {
      const out = await call(api.POST("/api/assessments/{assessment_id}/questions/reorder", { ...path, body: { question_ids: ids } }));
      props.onChange(out);
      setNotice(`Question moved to position ${j + 1}.`);
      setFocusAfter(`${delta < 0 ? "up" : "down"}-${q.id}`);
    });
  }

  async function remove(q: Question) {
    await change.submit(async () => {
      await call(api.DELETE("/api/assessments/{assessment_id}/questions/{question_id}", { params: { path: { assessment_id: a.id, question_id: q.id } } }));
      setConfirming(null);
      await refresh("Question deleted.");
    });
    setConfirming(null);
  }

  // Both throw on failure: the form says why (useSubmit in QuestionForm).
  async function save(q: Question, d: QuestionDraft): Promise<void> {
    const withRubric = !d.is_practice && (hasRubric(d) || q.rubric);
    await call(api.PATCH("/api/assessments/{assessment_id}/questions/{question_id}", {
      params: { path: { assessment_id: a.id, question_id: q.id } },
      body: withRubric ? { ...body(d), rubric: rubricText(d) } : body(d),
    }));
    if (!d.is_practice) await saveExemplars(q, d);
    setEditing(null);
    await refresh("Question saved.");
    setFocusAfter(`edit-${q.id}`);
  }

  async function create(d: QuestionDraft): Promise<void> {
    const rubric = !d.is_practice && hasRubric(d)
      ? { ...rubricText(d), exemplars: d.rubric.exemplars.filter((e) => e.text.trim()).map((e) => ({ level: e.level, text: e.text.trim() })) }
      : null;
    await call(api.POST("/api/assessments/{assessment_id}/questions", { ...path, body: { ...body(d), rubric } }));
    setAdding(null);
    await refresh("Question added at the end.");
  }

  return (
    <div class="q-editor">
      {notice && <p class="small q-notice" role="status">{notice}</p>}
      {error && <Alert>{error}</Alert>}
      {questions.length === 0 && <p class="muted">No questions yet. Add one, or pick some from the bank.</p>}
      {hasPractice && <p class="small muted">Practice questions come first: candidates meet them before the scored questions, which are numbered Q1, Q2… as in reviews and reports.</p>}
      <ol class="questions q-edit-list" aria-label="Questions in order">
        {questions.map((q, i) => (
          <li key={q.id} class="card question q-edit-row" data-qid={q.id}>
            <div class="q-row-main">
              <div class="q-order" role="group" aria-label={`Move question ${i + 1}`}>
                <button id={`up-${q.id}`} type="button" class="btn btn-small order-btn" disabled={!canMove(i, i - 1)} onClick={() => move(q, -1)} aria-label={`Move question ${i + 1} up`}>↑</button>
                <button id={`down-${q.id}`} type="button" class="btn btn-small order-btn" disabled={!canMove(i, i + 1)} onClick={() => move(q, 1)} aria-label={`Move question ${i + 1} down`}>↓</button>
              </div>
              <div class="q-row-body">
                <div class="q-head">
                  {q.number !== null && <span class="q-num">Q{q.number}</span>}
                  <span class={`badge badge-${q.kind}`}>{q.kind === "video" ? "Video" : "Written"}</span>
                  {q.is_practice && <span class="badge badge-practice">Practice · not scored</span>}
                  {q.competency && <span class="badge badge-competency">{nameOf.get(q.competency) ?? q.competency}</span>}
                </div>
                <p class="q-prompt">{q.prompt}</p>
                {!props.compact && (
                  <p class="small muted q-facts">
                    {q.kind === "video"
                      ? `Think ${humanSeconds(q.think_time_s)} · answer ${humanSeconds(q.max_answer_s)} · ${q.retakes_allowed} retake${q.retakes_allowed === 1 ? "" : "s"}`
                      : `Answer ${humanSeconds(q.max_answer_s)} · ${q.max_chars.toLocaleString()} characters`}
                    {q.rubric ? ` · rubric with ${Object.keys(q.rubric.levels).length} levels, ${q.rubric.exemplars.filter((e) => !e.retired).length} exemplars` : " · no rubric"}
                  </p>
                )}
              </div>
              <div class="q-row-actions">
                {!props.compact && (
                  <button id={`edit-${q.id}`} type="button" class="btn btn-small q-edit-btn" aria-expanded={editing === q.id} onClick={() => setEditing(editing === q.id ? null : q.id)}>
                    Edit<span class="sr-only"> question {i + 1}</span>
                  </button>
                )}
                {confirming === q.id ? (
                  <span class="confirm" role="group" aria-label={`Confirm deleting question ${i + 1}`}>
                    <button type="button" class="btn btn-danger btn-small" onClick={() => remove(q)}>Yes, delete</button>
                    <button type="button" class="btn btn-small" onClick={() => setConfirming(null)} ref={(el) => el?.focus()}>Cancel</button>
                  </span>
                ) : (
                  <button type="button" class="btn btn-small" onClick={() => setConfirming(q.id)}>
                    {props.compact ? "Remove" : "Delete"}<span class="sr-only"> question {i + 1}</span>
                  </button>
                )}
                {!props.compact && !q.is_practice && (
                  <Link href={`/app/questions/${q.id}/agreement`} class="btn btn-small btn-quiet">
                    Exemplars &amp; agreement<span class="sr-only"> for question {i + 1}</span>
                  </Link>
                )}
              </div>
            </div>
            {editing === q.id && (
              <QuestionForm
                id={`qf-${q.id}`}
                initial={draftOf(q)}
                competencies={competencies}
                submitLabel="Save question"
                onSubmit={(d) => save(q, d)}
                onCancel={() => {
                  setEditing(null);
                  setFocusAfter(`edit-${q.id}`);
                }}
              />
            )}
          </li>
        ))}
      </ol>
      {adding === "new" && (
        <section class="card" aria-labelledby="new-q-h">
          <h3 id="new-q-h">New question</h3>
          <QuestionForm
            id="qf-new"
            initial={{ ...NEW_QUESTION, competency: competencies[0]?.key ?? null }}
            competencies={competencies}
            submitLabel="Add question"
            onSubmit={create}
            onCancel={() => setAdding(null)}
          />
        </section>
      )}
      {adding === "bank" && (
        <BankPicker
          assessment={a}
          onAdded={(fresh, n) => {
            props.onChange(fresh);
            setNotice(`${n} question${n === 1 ? "" : "s"} added from the bank.`);
          }}
          onClose={() => setAdding(null)}
        />
      )}
      <div class="actions-row">
        <button type="button" class="btn" aria-expanded={adding === "bank"} onClick={() => setAdding(adding === "bank" ? null : "bank")}>
          Add from the bank
        </button>
        {!props.compact && (
          <button type="button" class="btn" aria-expanded={adding === "new"} onClick={() => setAdding(adding === "new" ? null : "new")}>
            Write a new question
          </button>
        )}
      </div>
    </div>
  );
}
