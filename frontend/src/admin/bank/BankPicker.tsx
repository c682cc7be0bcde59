/** Pick questions from the bank and copy them (with rubric and exemplars) into an assessment. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { Alert, Loading } from "../../ui/components";
import { competencyLabel } from "../builder/DimensionsEditor";
import { useSubmit } from "../../ui/useApi";
import { BankFilterBar } from "./BankFilters";
import { NO_FILTERS, useBankFacets, useBankSearch, type BankFilters } from "./search";

type Assessment = Schemas["AssessmentOut"];

export function BankPicker(props: { assessment: Assessment; onAdded: (a: Assessment, count: number) => void; onClose: () => void }) {
  const [filters, setFilters] = useState<BankFilters>(NO_FILTERS);
  const [chosen, setChosen] = useState<string[]>([]);
  const facets = useBankFacets();
  const found = useBankSearch(filters);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const a = props.assessment;
  const known = new Set(a.dimensions.flatMap((d) => d.competencies.map((c) => c.key)));
  const competencyOf = new Map((found.items ?? []).map((x) => [x.id, x.competency]));
  const [remembered, setRemembered] = useState<Map<string, string>>(new Map());
  const missing = [...new Set(chosen.map((id) => competencyOf.get(id) ?? remembered.get(id) ?? "").filter((c) => c && !known.has(c)))];

  function toggle(item: Schemas["BankQuestionSummary"]) {
    setRemembered(new Map(remembered).set(item.id, item.competency));
    setChosen(chosen.includes(item.id) ? chosen.filter((x) => x !== item.id) : [...chosen, item.id]);
  }

  const { submit, busy, error } = useSubmit(async () => {
    const path = { params: { path: { assessment_id: a.id } } };
    if (missing.length) {
      // The questions need their competencies: add them to the first dimension.
      const dims = a.dimensions.map((d, i) => ({
        name: d.name,
        weight: d.weight,
        competencies: [
          ...d.competencies.map((c) => ({ key: c.key, name: c.name, description: c.description })),
          ...(i === 0 ? missing.map((k) => ({ key: k, name: competencyLabel(k), description: "" })) : []),
        ],
      }));
      await call(api.PUT("/api/assessments/{assessment_id}/dimensions", { ...path, body: { dimensions: dims } }));
    }
    await call(api.POST("/api/assessments/{assessment_id}/questions/from-bank", { ...path, body: { bank_ids: chosen } }));
    const fresh = await call(api.GET("/api/assessments/{assessment_id}", path));
    const count = chosen.length;
    setChosen([]);
    props.onAdded(fresh, count);
  });
  const add = () => void submit();

  return (
    <section class="card bank-picker" aria-labelledby="picker-h">
      <div class="picker-head">
        <h3 id="picker-h" ref={heading} tabIndex={-1}>Add questions from the bank</h3>
        <button type="button" class="btn btn-small" onClick={props.onClose}>Close<span class="sr-only"> the bank</span></button>
      </div>
      <BankFilterBar filters={filters} onChange={setFilters} competencies={facets.competencies} focuses={facets.focuses} roles={facets.roles} idPrefix="pick" />
      {found.error && <Alert>{found.error}</Alert>}
      {!found.items && <Loading label="Searching the bank…" />}
      {found.items && (
        <p class="small muted" role="status">
          {found.total} question{found.total === 1 ? "" : "s"} found{chosen.length ? ` · ${chosen.length} selected` : ""}
        </p>
      )}
      {found.items && found.items.length > 0 && (
        <ul class="pick-list" aria-label="Bank questions">
          {found.items.map((x) => (
            <li key={x.id} class={chosen.includes(x.id) ? "picked" : undefined}>
              <input id={`pick-${x.id}`} type="checkbox" checked={chosen.includes(x.id)} onChange={() => toggle(x)} />
              <label for={`pick-${x.id}`}>
                <span class="pick-prompt">{x.prompt}</span>
                <span class="pick-meta">
                  <span class={`badge badge-${x.kind}`}>{x.kind === "video" ? "Video" : "Written"}</span>
                  <span class="badge badge-competency">{competencyLabel(x.competency)}</span>
                  <span class="muted small">{x.difficulty} · {x.exemplar_count} exemplars</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {missing.length > 0 && (
        <Alert kind="info">
          This assessment has no competency {missing.map((m) => `“${competencyLabel(m)}”`).join(", ")} yet; adding will put
          {missing.length === 1 ? " it" : " them"} under “{a.dimensions[0]?.name}”.
        </Alert>
      )}
      {error && <Alert>{error}</Alert>}
      <div class="actions-row picker-actions">
        <button type="button" class="btn btn-primary" disabled={busy || chosen.length === 0} onClick={add}>
          {busy ? "Adding…" : `Add ${chosen.length || ""} selected question${chosen.length === 1 ? "" : "s"}`.replace("  ", " ")}
        </button>
      </div>
    </section>
  );
}
