/** Dimensions, weights and competencies of an assessment, with a live check that weights add up to 100%. */
import { useEffect, useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { Alert } from "../../ui/components";
import { useSubmit } from "../../ui/useApi";

type Assessment = Schemas["AssessmentOut"];
type DimensionIn = Schemas["DimensionIn"];

const KEY = /^[a-z0-9][a-z0-9_-]*$/;

function draftOf(a: Assessment): DimensionIn[] {
  return a.dimensions.map((d) => ({
    name: d.name,
    weight: d.weight,
    competencies: d.competencies.map((c) => ({ key: c.key, name: c.name, description: c.description })),
  }));
}

/** "ml-fundamentals" -> "ML fundamentals": a readable name for a competency known only by its key. */
export function competencyLabel(key: string): string {
  const words = key.split(/[-_]+/).filter(Boolean);
  const special: Record<string, string> = { ml: "ML", ai: "AI", mlops: "MLOps", llm: "LLM" };
  const text = words.map((w) => special[w] ?? w).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function problems(dims: DimensionIn[]): string[] {
  const out: string[] = [];
  const total = dims.reduce((s, d) => s + (Number.isFinite(d.weight) ? d.weight : 0), 0);
  if (Math.abs(total - 100) > 0.01) out.push(`Weights add up to ${round(total)}%; they must add up to 100%.`);
  if (dims.some((d) => !d.name.trim())) out.push("Every dimension needs a name.");
  const keys = dims.flatMap((d) => d.competencies.map((c) => c.key));
  const bad = keys.filter((k) => !KEY.test(k));
  if (bad.length) out.push("Competency keys use lowercase letters, digits, - and _ (e.g. mlops).");
  const dupes = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
  if (dupes.length) out.push(`Competency keys must be unique; repeated: ${dupes.join(", ")}.`);
  if (dims.some((d) => d.competencies.length === 0)) out.push("Every dimension needs at least one competency.");
  return out;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** `weightsOnly`: names and weights only (the guided setup); competencies stay as they are. */
export function DimensionsEditor(props: { assessment: Assessment; onSaved: (a: Assessment) => void; idPrefix?: string; weightsOnly?: boolean }) {
  const [dims, setDims] = useState<DimensionIn[]>(() => draftOf(props.assessment));
  const [saved, setSaved] = useState(false);
  const p = props.idPrefix ?? "dim";

  useEffect(() => setDims(draftOf(props.assessment)), [props.assessment.id, props.assessment.dimensions]);

  const issues = problems(dims);
  const total = dims.reduce((s, d) => s + (Number.isFinite(d.weight) ? d.weight : 0), 0);

  function update(i: number, change: Partial<DimensionIn>) {
    setSaved(false);
    setDims(dims.map((d, j) => (j === i ? { ...d, ...change } : d)));
  }
  function updateComp(i: number, k: number, change: Partial<Schemas["CompetencyIn"]>) {
    update(i, { competencies: dims[i]!.competencies.map((c, j) => (j === k ? { ...c, ...change } : c)) });
  }

  const { submit, busy, error } = useSubmit(() =>
    call(
      api.PUT("/api/assessments/{assessment_id}/dimensions", {
        params: { path: { assessment_id: props.assessment.id } },
        body: { dimensions: dims.map((d) => ({ ...d, name: d.name.trim() })) },
      }),
    ),
  );

  async function save(event: Event) {
    event.preventDefault();
    setSaved(false);
    const out = await submit();
    if (!out) return;
    setSaved(true);
    props.onSaved(out);
  }

  return (
    <form class={props.weightsOnly ? "dims-editor weights-only" : "dims-editor"} onSubmit={save} aria-label="Dimensions and weights" noValidate>
      {dims.map((d, i) => (
        <fieldset key={i} class="card dim-edit">
          <legend class="sr-only">Dimension {i + 1}</legend>
          <div class="dim-edit-head">
            <div class="field">
              <label for={`${p}-name-${i}`}>Dimension {i + 1}</label>
              <input id={`${p}-name-${i}`} maxLength={120} value={d.name} onInput={(e) => update(i, { name: e.currentTarget.value })} />
            </div>
            <div class="field field-weight">
              <label for={`${p}-weight-${i}`}>Weight %<span class="sr-only"> of {d.name || `dimension ${i + 1}`}</span></label>
              <input
                id={`${p}-weight-${i}`}
                type="number"
                inputMode="decimal"
                min={0}
                max={100}
                step={1}
                value={Number.isFinite(d.weight) ? d.weight : ""}
                onInput={(e) => update(i, { weight: e.currentTarget.value === "" ? NaN : Number(e.currentTarget.value) })}
              />
            </div>
            {!props.weightsOnly && <button
              type="button"
              class="btn btn-small btn-quiet dim-remove"
              disabled={dims.length <= 1}
              onClick={() => {
                setSaved(false);
                setDims(dims.filter((_, j) => j !== i));
              }}
            >
              Remove<span class="sr-only"> dimension {d.name}</span>
            </button>}
          </div>
          {props.weightsOnly ? (
            <p class="small muted comp-caption">{d.competencies.map((c) => c.name).join(" · ")}</p>
          ) : (
          <div class="comp-rows">
            <p class="small muted comp-caption">Competencies (key · name)</p>
            {d.competencies.map((c, k) => (
              <div class="comp-row" key={k}>
                <label class="sr-only" for={`${p}-ck-${i}-${k}`}>Competency key {k + 1} of {d.name}</label>
                <input
                  id={`${p}-ck-${i}-${k}`}
                  class="mono comp-key"
                  maxLength={60}
                  value={c.key}
                  aria-invalid={c.key !== "" && !KEY.test(c.key) ? "true" : undefined}
                  onInput={(e) => updateComp(i, k, { key: e.currentTarget.value })}
                />
                <label class="sr-only" for={`${p}-cn-${i}-${k}`}>Competency name {k + 1} of {d.name}</label>
                <input id={`${p}-cn-${i}-${k}`} maxLength={120} value={c.name} onInput={(e) => updateComp(i, k, { name: e.currentTarget.value })} />
                <button
                  type="button"
                  class="btn btn-small btn-quiet"
                  disabled={d.competencies.length <= 1}
                  onClick={() => update(i, { competencies: d.competencies.filter((_, j) => j !== k) })}
                >
                  Remove<span class="sr-only"> competency {c.name}</span>
                </button>
              </div>
            ))}
            <button
              type="button"
              class="btn btn-small"
              onClick={() => update(i, { competencies: [...d.competencies, { key: "", name: "", description: "" }] })}
            >
              Add competency<span class="sr-only"> to {d.name}</span>
            </button>
          </div>
          )}
        </fieldset>
      ))}
      <div class={`weight-total ${issues.length ? "is-bad" : "is-ok"}`} aria-live="polite">
        <div class="bar stacked" aria-hidden="true">
          {dims.map((d, i) => (
            <span key={i} style={{ width: `${Math.max(0, Math.min(100, Number.isFinite(d.weight) ? d.weight : 0))}%` }} />
          ))}
        </div>
        <p class="total-line">
          <strong>Total: {round(total)}%</strong>{" "}
          {issues.length === 0 ? <span class="ok-text">✓ Weights add up to 100%.</span> : null}
        </p>
        {issues.length > 0 && (
          <ul class="issues">
            {issues.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </div>
      {error && <Alert>{error}</Alert>}
      {saved && <Alert kind="success">Dimensions saved.</Alert>}
      <div class="actions-row">
        {!props.weightsOnly && <button
          type="button"
          class="btn"
          disabled={dims.length >= 10}
          onClick={() => {
            setSaved(false);
            setDims([...dims, { name: "", weight: 0, competencies: [{ key: "", name: "", description: "" }] }]);
          }}
        >
          Add dimension
        </button>}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? "Saving…" : "Save dimensions"}
        </button>
      </div>
    </form>
  );
}
