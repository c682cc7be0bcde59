/**
 * The rubric inside the question form: what answers at each level 1-5 do, with exemplar
 * answers per level inline, red flags and what the question reveals. Two helpers sit with it:
 * "Suggest exemplars from similar bank questions" (nearest bank questions by the scorer's
 * sentence embeddings; their exemplars are copied in for editing) and a live check of how well
 * the exemplars separate the levels (leave-one-out with the real scorer, as one sentence).
 */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { Alert } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";
import { useDebounced } from "../../ui/useDebounced";

type Similar = Schemas["SimilarBankQuestion"];
type Check = Schemas["ExemplarCheckOut"];

export const LEVELS = [1, 2, 3, 4, 5] as const;
export const EXEMPLAR_LEVELS = [1, 3, 5];
const LEVEL_HINT: Record<number, string> = {
  1: "A weak answer",
  2: "Below the bar",
  3: "A solid answer",
  4: "Strong",
  5: "What great looks like",
};

/** An exemplar being edited: `id` when it is already stored (edits and removals go through the exemplar API). */
export type DraftExemplar = { key: string; id?: string; level: number; text: string };
export type RubricDraft = {
  levels: Record<number, string>;
  red_flags: string;
  reveals: string;
  exemplars: DraftExemplar[];
};

let nextKey = 0;
export const newKey = () => `ex-${++nextKey}`;

export const EMPTY_RUBRIC: RubricDraft = { levels: {}, red_flags: "", reveals: "", exemplars: [] };

/** The levels that should have an exemplar (1, 3 and 5) but have none yet. */
export function missingExemplarLevels(r: RubricDraft): number[] {
  return EXEMPLAR_LEVELS.filter((lv) => !r.exemplars.some((e) => e.level === lv && e.text.trim()));
}

export function RubricEditor(props: { id: string; prompt: string; competencies: string[]; value: RubricDraft; onChange: (r: RubricDraft) => void }) {
  const r = props.value;
  const p = props.id;
  const set = (change: Partial<RubricDraft>) => props.onChange({ ...r, ...change });
  const setExemplar = (key: string, change: Partial<DraftExemplar>) =>
    set({ exemplars: r.exemplars.map((e) => (e.key === key ? { ...e, ...change } : e)) });
  const addExemplar = (level: number, text = "") => {
    const key = newKey();
    set({ exemplars: [...r.exemplars, { key, level, text }] });
    return key;
  };

  const check = useExemplarCheck(props.prompt, r);
  const scoreOf = new Map<string, number | null>();
  if (check.result && check.forKeys) {
    check.result.exemplars.forEach((e) => scoreOf.set(check.forKeys![e.index]!, e.score ?? null));
  }
  const missing = missingExemplarLevels(r);

  return (
    <fieldset class="rubric-editor" aria-describedby={`${p}-rubric-help`}>
      <legend>Rubric and exemplars</legend>
      <p id={`${p}-rubric-help`} class="small muted">
        Describe what an answer at each level does, and give example answers: at least one at levels 1, 3 and 5. The AI scores
        candidates' answers by comparing them with these exemplars, so make answers at each level differ in what they say.
      </p>
      <SimilarSuggestions id={p} prompt={props.prompt} competencies={props.competencies} onUse={(level, text) => addExemplar(level, text)} onUseLevels={(levels) => set({ levels: { ...levels, ...Object.fromEntries(Object.entries(r.levels).filter(([, v]) => v.trim())) } })} />
      <ol class="rubric-levels">
        {LEVELS.map((lv) => {
          const mine = r.exemplars.filter((e) => e.level === lv);
          return (
            <li key={lv} class={`rubric-level level-${lv}`} data-level={lv}>
              <div class="field">
                <label for={`${p}-lv${lv}`}>
                  Level {lv} <span class="muted">· {LEVEL_HINT[lv]}</span>
                </label>
                <textarea id={`${p}-lv${lv}`} class="short descriptor" maxLength={4000} placeholder={`What an answer at level ${lv} does`} value={r.levels[lv] ?? ""} onInput={(e) => set({ levels: { ...r.levels, [lv]: e.currentTarget.value } })} />
              </div>
              {mine.map((e, i) => {
                const score = scoreOf.get(e.key);
                return (
                  <div key={e.key} class="field exemplar-field">
                    <label for={`${p}-${e.key}`}>
                      Exemplar answer at level {lv}
                      {mine.length > 1 ? ` (${i + 1})` : ""}
                      {score !== undefined && (
                        <span class={`ex-score ${score === null ? "is-none" : Math.abs(score - lv) > 1 ? "is-off" : "is-on"}`}>
                          {score === null ? " · the AI could not score it" : ` · the AI scores it ${score.toFixed(1)} from the others`}
                        </span>
                      )}
                    </label>
                    <textarea id={`${p}-${e.key}`} class="short exemplar" maxLength={20000} value={e.text} onInput={(ev) => setExemplar(e.key, { text: ev.currentTarget.value })} />
                    <div class="ex-actions">
                      <label class="small" for={`${p}-${e.key}-lv`}>Level</label>
                      <select id={`${p}-${e.key}-lv`} class="ex-level" value={e.level} onChange={(ev) => setExemplar(e.key, { level: Number(ev.currentTarget.value) })}>
                        {LEVELS.map((x) => <option key={x} value={x}>{x}</option>)}
                      </select>
                      <button type="button" class="btn btn-small btn-quiet" onClick={() => set({ exemplars: r.exemplars.filter((x) => x.key !== e.key) })}>
                        Remove<span class="sr-only"> exemplar at level {lv}</span>
                      </button>
                    </div>
                  </div>
                );
              })}
              <button type="button" class="btn btn-small add-exemplar" onClick={() => {
                const key = addExemplar(lv);
                setTimeout(() => document.getElementById(`${p}-${key}`)?.focus(), 0);
              }}>
                + Exemplar at level {lv}
              </button>
            </li>
          );
        })}
      </ol>
      <div class="exemplar-check" role="status" aria-live="polite" id={`${p}-check`}>
        {missing.length > 0 && <p class="small muted">Still needed: an exemplar at level {missing.join(", ")}.</p>}
        {check.busy && <p class="small muted">Checking how well the exemplars separate the levels…</p>}
        {!check.busy && check.result && (
          <p class={`check-sentence verdict-${check.result.verdict}`}>
            <strong>{check.result.verdict === "good" ? "Exemplars separate well." : check.result.verdict === "fair" ? "Exemplars mostly separate." : "Exemplars do not separate yet."}</strong> {check.result.sentence}
          </p>
        )}
        {!check.busy && check.error && <p class="small muted">{check.error}</p>}
      </div>
      <div class="details-grid">
        <div class="field">
          <label for={`${p}-red`}>Red flags</label>
          <textarea id={`${p}-red`} class="short" maxLength={4000} placeholder="What should worry a reviewer in an answer" value={r.red_flags} onInput={(e) => set({ red_flags: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for={`${p}-reveals`}>What the question reveals</label>
          <textarea id={`${p}-reveals`} class="short" maxLength={4000} placeholder="What a reviewer learns about the candidate" value={r.reveals} onInput={(e) => set({ reveals: e.currentTarget.value })} />
        </div>
      </div>
    </fieldset>
  );
}

/** Re-run the leave-one-out check a moment after the prompt or exemplars stop changing. */
function useExemplarCheck(prompt: string, r: RubricDraft) {
  const usable = r.exemplars.filter((e) => e.text.trim());
  const payload = JSON.stringify({
    prompt: prompt.trim(),
    exemplars: usable.map((e) => ({ level: e.level, text: e.text.trim() })),
    levels: Object.fromEntries(Object.entries(r.levels).filter(([, v]) => v.trim())),
  });
  const keys = usable.map((e) => e.key).join(",");
  const settled = useDebounced(`${payload}\u0000${keys}`, 900);
  // The check of the settled draft; the last one stays shown while the next runs.
  const [json, keyList] = settled.split("\u0000") as [string, string];
  const body = JSON.parse(json) as { prompt: string; exemplars: { level: number; text: string }[]; levels: Record<string, string> };
  const checkable = !!body.prompt && new Set(body.exemplars.map((e) => e.level)).size >= 2;
  const checked = useApi(
    async (): Promise<{ result: Check; forKeys: string[] } | null> =>
      checkable ? { result: await call(api.POST("/api/exemplar-check", { body })), forKeys: keyList.split(",") } : null,
    [settled],
    { keep: true },
  );
  if (!checkable) return { busy: false, result: null, forKeys: null, error: null };
  const shown = checked.error ? null : checked.data;
  return { busy: checked.loading, result: shown?.result ?? null, forKeys: shown?.forKeys ?? null, error: checked.error };
}

function SimilarSuggestions(props: { id: string; prompt: string; competencies: string[]; onUse: (level: number, text: string) => void; onUseLevels: (levels: Record<number, string>) => void }) {
  const [items, setItems] = useState<Similar[] | null>(null);
  const [used, setUsed] = useState<Set<string>>(new Set());
  const { submit: find, busy, error } = useSubmit(() =>
    call(api.POST("/api/bank/similar", { body: { prompt: props.prompt.trim() || "-", limit: 3, competencies: props.competencies } })),
  );

  async function suggest() {
    setItems((await find()) ?? null);
  }

  const use = (tag: string, level: number, text: string) => {
    props.onUse(level, text);
    setUsed(new Set([...used, tag]));
  };

  return (
    <div class="similar">
      <button type="button" id={`${props.id}-suggest`} class="btn btn-small" onClick={suggest} disabled={busy} aria-expanded={items !== null}>
        {busy ? "Looking for similar bank questions…" : "Suggest exemplars from similar bank questions"}
      </button>
      {error && <Alert>{error}</Alert>}
      {items && (
        <div class="similar-list" aria-label="Similar bank questions">
          <div class="picker-head">
            <p class="small muted">The bank questions nearest in meaning, among this assessment's competencies. Copy an exemplar in, then edit it to fit your question.</p>
            <button type="button" class="btn btn-small btn-quiet" onClick={() => setItems(null)}>Close suggestions</button>
          </div>
          {items.map((s, qi) => (
            <details key={s.question.id} class="similar-q" open={qi === 0}>
              <summary>
                <span class="similar-match">{Math.round(Math.max(0, s.similarity) * 100)}% similar</span> {s.question.prompt}
              </summary>
              <ul class="similar-exemplars">
                {[...s.question.exemplars].sort((a, b) => Number(a.level) - Number(b.level)).map((e, i) => {
                  const level = Number(e.level);
                  const text = String(e.text);
                  const tag = `${s.question.id}:${i}`;
                  return (
                    <li key={tag}>
                      <span class="badge">Level {level}</span> <span class="similar-text">{text}</span>{" "}
                      <button type="button" class="btn btn-small" disabled={used.has(tag)} onClick={() => use(tag, level, text)}>
                        {used.has(tag) ? "Copied" : `Use at level ${level}`}
                      </button>
                    </li>
                  );
                })}
              </ul>
              <button type="button" class="btn btn-small btn-quiet" onClick={() => props.onUseLevels(Object.fromEntries(Object.entries(s.question.levels).map(([k, v]) => [Number(k), v])))}>
                Use its level descriptors where mine are empty
              </button>
            </details>
          ))}
        </div>
      )}
    </div>
  );
}
