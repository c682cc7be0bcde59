/** Add or change one question: prompt, kind, competency, timings, retakes, practice, and its rubric with exemplars. */
import { useState } from "preact/hooks";
import type { Schemas } from "../../api/client";
import { Alert } from "../../ui/components";
import { useSubmit } from "../../ui/useApi";
import { EMPTY_RUBRIC, RubricEditor, newKey, type RubricDraft } from "./RubricEditor";

type Question = Schemas["QuestionOut"];
export type QuestionDraft = {
  prompt: string;
  kind: "video" | "written";
  competency: string | null;
  think_time_s: number;
  max_answer_s: number;
  max_chars: number;
  retakes_allowed: number;
  is_practice: boolean;
  rubric: RubricDraft;
};

export const NEW_QUESTION: QuestionDraft = {
  prompt: "",
  kind: "video",
  competency: null,
  think_time_s: 30,
  max_answer_s: 180,
  max_chars: 4000,
  retakes_allowed: 1,
  is_practice: false,
  rubric: EMPTY_RUBRIC,
};

function rubricDraftOf(q: Question): RubricDraft {
  const r = q.rubric;
  if (!r) return EMPTY_RUBRIC;
  return {
    levels: Object.fromEntries(Object.entries(r.levels).map(([k, v]) => [Number(k), v])),
    red_flags: r.red_flags,
    reveals: r.reveals,
    exemplars: r.exemplars.filter((e) => !e.retired).map((e) => ({ key: newKey(), id: e.id, level: e.level, text: e.text })),
  };
}

export function draftOf(q: Question): QuestionDraft {
  return {
    prompt: q.prompt,
    kind: q.kind,
    competency: q.competency,
    think_time_s: q.think_time_s,
    max_answer_s: q.max_answer_s,
    max_chars: q.max_chars,
    retakes_allowed: q.retakes_allowed,
    is_practice: q.is_practice,
    rubric: rubricDraftOf(q),
  };
}

export function QuestionForm(props: {
  id: string;
  initial: QuestionDraft;
  competencies: { key: string; name: string }[];
  submitLabel: string;
  /** Saves the draft; throws when that fails (the form shows why). */
  onSubmit: (d: QuestionDraft) => Promise<void>;
  onCancel: () => void;
}) {
  const [d, setD] = useState<QuestionDraft>(props.initial);
  const { submit: save, busy, error, setError } = useSubmit(props.onSubmit);
  const p = props.id;
  const set = (change: Partial<QuestionDraft>) => setD({ ...d, ...change });
  const num = (v: string) => (v === "" ? 0 : Math.round(Number(v)));

  async function submit(event: Event) {
    event.preventDefault();
    if (!d.prompt.trim()) {
      setError("Write the question's prompt.");
      return;
    }
    await save({ ...d, prompt: d.prompt.trim() });
  }

  return (
    <form class="q-form" onSubmit={submit} aria-label={props.submitLabel}>
      <div class="field">
        <label for={`${p}-prompt`}>Prompt</label>
        <textarea id={`${p}-prompt`} class="short" maxLength={4000} value={d.prompt} onInput={(e) => set({ prompt: e.currentTarget.value })} />
      </div>
      <div class="q-form-grid">
        <div class="field">
          <label for={`${p}-kind`}>Kind</label>
          <select id={`${p}-kind`} value={d.kind} onChange={(e) => set({ kind: e.currentTarget.value as QuestionDraft["kind"] })}>
            <option value="video">Video</option>
            <option value="written">Written</option>
          </select>
        </div>
        <div class="field">
          <label for={`${p}-comp`}>Competency</label>
          <select id={`${p}-comp`} value={d.competency ?? ""} onChange={(e) => set({ competency: e.currentTarget.value || null })}>
            <option value="">None (practice only)</option>
            {props.competencies.map((c) => (
              <option key={c.key} value={c.key}>{c.name}</option>
            ))}
          </select>
        </div>
        {d.kind === "video" && (
          <div class="field">
            <label for={`${p}-think`}>Think time (s)</label>
            <input id={`${p}-think`} type="number" min={0} max={600} value={d.think_time_s} onInput={(e) => set({ think_time_s: num(e.currentTarget.value) })} />
          </div>
        )}
        <div class="field">
          <label for={`${p}-max`}>Max answer time (s)</label>
          <input id={`${p}-max`} type="number" min={10} max={900} value={d.max_answer_s} onInput={(e) => set({ max_answer_s: num(e.currentTarget.value) })} />
        </div>
        {d.kind === "video" ? (
          <div class="field">
            <label for={`${p}-retakes`}>Retakes</label>
            <input id={`${p}-retakes`} type="number" min={0} max={5} value={d.retakes_allowed} onInput={(e) => set({ retakes_allowed: num(e.currentTarget.value) })} />
          </div>
        ) : (
          <div class="field">
            <label for={`${p}-chars`}>Max characters</label>
            <input id={`${p}-chars`} type="number" min={50} max={20000} value={d.max_chars} onInput={(e) => set({ max_chars: num(e.currentTarget.value) })} />
          </div>
        )}
      </div>
      <div class="check">
        <input id={`${p}-practice`} type="checkbox" checked={d.is_practice} onChange={(e) => set({ is_practice: e.currentTarget.checked })} />
        <label for={`${p}-practice`}>Practice question (not scored)</label>
      </div>
      {!d.is_practice && <RubricEditor id={p} prompt={d.prompt} competencies={props.competencies.map((c) => c.key)} value={d.rubric} onChange={(rubric) => set({ rubric })} />}
      {error && <Alert>{error}</Alert>}
      <div class="actions-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Saving…" : props.submitLabel}</button>
        <button type="button" class="btn" onClick={props.onCancel}>Cancel</button>
      </div>
    </form>
  );
}
