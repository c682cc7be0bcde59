/** Exemplars by level: add, edit and retire, each with a Preview of its effect before saving. */
import type { Schemas } from "../../api/client";

type Exemplar = Schemas["ExemplarOut"];

/** An exemplar change not saved yet. */
export type Draft =
  | { kind: "add"; level: number; text: string }
  | { kind: "edit"; id: string; level: number; text: string }
  | { kind: "retire"; id: string; level: number; text: string };

export function draftBody(d: Draft): Schemas["PreviewIn"] {
  if (d.kind === "add") return { add: [{ level: d.level, text: d.text }], edit: [], retire: [] };
  if (d.kind === "edit") return { add: [], edit: [{ id: d.id, level: d.level, text: d.text }], retire: [] };
  return { add: [], edit: [], retire: [d.id] };
}

export function draftLabel(d: Draft): string {
  if (d.kind === "add") return `add a level ${d.level} exemplar`;
  if (d.kind === "edit") return `edit an exemplar (level ${d.level})`;
  return `retire a level ${d.level} exemplar`;
}

export type ExemplarActions = {
  open: (d: Draft) => void;
  change: (d: Draft) => void;
  cancel: () => void;
  preview: () => void;
  save: () => void;
};

function levelsOf(min: number, max: number): number[] {
  const out: number[] = [];
  for (let l = min; l <= max; l++) out.push(l);
  return out;
}

function DraftForm(props: {
  draft: Exclude<Draft, { kind: "retire" }>;
  min: number;
  max: number;
  levels: Record<string, string>;
  busy: boolean;
  saveLabel: string;
  actions: ExemplarActions;
  idBase: string;
}) {
  const { draft, actions } = props;
  const empty = !draft.text.trim();
  return (
    <form
      class="exemplar-form"
      aria-label={draft.kind === "add" ? "New exemplar" : "Edit exemplar"}
      onSubmit={(e) => {
        e.preventDefault();
        if (!empty) actions.save();
      }}
    >
      <div class="field level-field">
        <label for={`${props.idBase}-level`}>Level</label>
        <select id={`${props.idBase}-level`} value={String(draft.level)}
          onChange={(e) => actions.change({ ...draft, level: Number(e.currentTarget.value) })}>
          {levelsOf(props.min, props.max).map((l) => (
            <option key={l} value={String(l)}>{l}{props.levels[String(l)] ? ` · ${props.levels[String(l)]!.slice(0, 60)}` : ""}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${props.idBase}-text`}>Exemplar answer</label>
        <textarea id={`${props.idBase}-text`} class="exemplar-text" rows={4} maxLength={20000} value={draft.text}
          onInput={(e) => actions.change({ ...draft, text: e.currentTarget.value })} />
        <span class="help">An answer that deserves this level, in a candidate's words.</span>
      </div>
      <div class="actions-row">
        <button type="button" class="btn" disabled={props.busy || empty} onClick={actions.preview}>Preview</button>
        <button type="submit" class="btn btn-primary" disabled={props.busy || empty}>{props.saveLabel}</button>
        <button type="button" class="btn btn-quiet" onClick={actions.cancel}>Cancel</button>
      </div>
    </form>
  );
}

export function ExemplarsSection(props: {
  exemplars: Exemplar[];
  min: number;
  max: number;
  levels: Record<string, string>;
  draft: Draft | null;
  busy: boolean;
  canEdit: boolean;
  actions: ExemplarActions;
}) {
  const { draft, actions } = props;
  const adding = draft?.kind === "add" ? draft : null;
  return (
    <section class="section exemplars-section" aria-labelledby="ex-h">
      <div class="section-head">
        <h2 id="ex-h">Exemplars by level</h2>
        {props.canEdit && !adding && (
          <button type="button" class="btn btn-primary" disabled={props.busy}
            onClick={() => actions.open({ kind: "add", level: props.max, text: "" })}>
            Add an exemplar
          </button>
        )}
      </div>
      <p class="small muted">The AI compares each answer with these. Retired exemplars stay on record but are not used.</p>
      {adding && (
        <div class="card new-exemplar">
          <h3>New exemplar</h3>
          <DraftForm draft={adding} min={props.min} max={props.max} levels={props.levels} busy={props.busy}
            saveLabel="Save exemplar" actions={actions} idBase="new-ex" />
        </div>
      )}
      <div class="level-cards">
        {levelsOf(props.min, props.max).map((level) => {
          const here = props.exemplars.filter((e) => e.level === level);
          const active = here.filter((e) => !e.retired);
          const retired = here.filter((e) => e.retired);
          return (
            <section key={level} class="card level-card" aria-labelledby={`lv-${level}`} data-level={level}>
              <h3 id={`lv-${level}`}>
                <span class="level-num">{level}</span> {props.levels[String(level)] ?? ""}
              </h3>
              {active.length === 0 && <p class="small muted">No exemplar at this level.</p>}
              <ul class="exemplar-list">
                {active.map((e) => {
                  const mine = draft && draft.kind !== "add" && draft.id === e.id ? draft : null;
                  return (
                    <li key={e.id} class="exemplar">
                      {mine?.kind === "edit" ? (
                        <DraftForm draft={mine} min={props.min} max={props.max} levels={props.levels} busy={props.busy}
                          saveLabel="Save changes" actions={actions} idBase={`ex-${e.id}`} />
                      ) : (
                        <>
                          <blockquote>{e.text}</blockquote>
                          <div class="exemplar-meta">
                            {e.source_response_id && (
                              <a class="badge badge-promoted" href={`/app/review/${e.source_response_id}`}>from a reviewed answer</a>
                            )}
                            {props.canEdit && !mine && (
                              <span class="exemplar-actions">
                                <button type="button" class="btn btn-small" disabled={props.busy}
                                  onClick={() => actions.open({ kind: "edit", id: e.id, level: e.level, text: e.text })}>
                                  Edit
                                </button>
                                <button type="button" class="btn btn-small" disabled={props.busy}
                                  onClick={() => actions.open({ kind: "retire", id: e.id, level: e.level, text: e.text })}>
                                  Retire…
                                </button>
                              </span>
                            )}
                          </div>
                          {mine?.kind === "retire" && (
                            <div class="confirm-box" role="group" aria-label="Retire this exemplar">
                              <p class="small">Retire it? The AI stops using it; it stays on record.</p>
                              <div class="actions-row">
                                <button type="button" class="btn" disabled={props.busy} onClick={actions.preview}>Preview</button>
                                <button type="button" class="btn btn-danger" disabled={props.busy} onClick={actions.save}>Retire</button>
                                <button type="button" class="btn btn-quiet" onClick={actions.cancel}>Cancel</button>
                              </div>
                            </div>
                          )}
                        </>
                      )}
                    </li>
                  );
                })}
              </ul>
              {retired.length > 0 && (
                <details class="retired">
                  <summary>{retired.length} retired</summary>
                  <ul class="exemplar-list">
                    {retired.map((e) => (
                      <li key={e.id} class="exemplar is-retired"><blockquote>{e.text}</blockquote></li>
                    ))}
                  </ul>
                </details>
              )}
            </section>
          );
        })}
      </div>
    </section>
  );
}
