/** The question bank: search and filter, read a question's rubric and exemplars, export and import (admins). */
import { useContext, useRef, useState } from "preact/hooks";
import { ApiError, api, call, type Schemas } from "../../api/client";
import { MeContext } from "../../staff/StaffShell";
import { Alert, Link, Loading, PageHeading, humanSeconds } from "../../ui/components";
import { competencyLabel } from "../builder/DimensionsEditor";
import { BankFilterBar } from "./BankFilters";
import { NO_FILTERS, useBankFacets, useBankSearch, type BankFilters } from "./search";
import { RubricView, levelList } from "../../ui/RubricView";
import { useApi, useSubmit } from "../../ui/useApi";

type BankQuestion = Schemas["BankQuestionOut"];
type Problem = { index: number; question_id: string | null; field: string | null; message: string };

export function BankPage() {
  const me = useContext(MeContext);
  const [filters, setFilters] = useState<BankFilters>(NO_FILTERS);
  const [open, setOpen] = useState<string | null>(null);
  const facets = useBankFacets();
  const found = useBankSearch(filters);

  return (
    <>
      <div class="title-row list-head">
        <PageHeading title="Question bank">Question bank</PageHeading>
        {me?.role === "admin" && (
          <a class="btn" href="/api/bank/export" download="viva-question-bank.json">Export JSON</a>
        )}
      </div>
      <p class="muted">Reviewed questions with rubrics (levels 1–5) and exemplar answers. Add them to an assessment from its “Edit assessment” page.</p>
      {me?.role === "admin" && <BankImport />}
      <section class="section section-tight" aria-labelledby="bank-h">
        <h2 id="bank-h" class="sr-only">Search the bank</h2>
        <div class="card">
          <BankFilterBar filters={filters} onChange={setFilters} competencies={facets.competencies} focuses={facets.focuses} roles={facets.roles} idPrefix="bank" />
        </div>
        {found.error && <Alert>{found.error}</Alert>}
        {!found.items && <Loading label="Searching the bank…" />}
        {found.items && (
          <p class="small muted" role="status">
            {found.total} question{found.total === 1 ? "" : "s"}
          </p>
        )}
        {found.items && found.items.length > 0 && (
          <ul class="bank-list" aria-label="Bank questions">
            {found.items.map((x) => (
              <li key={x.id} class="card bank-item">
                <div class="q-head">
                  <span class={`badge badge-${x.kind}`}>{x.kind === "video" ? "Video" : "Written"}</span>
                  <span class="badge badge-competency">{competencyLabel(x.competency)}</span>
                  <span class="muted small">{x.difficulty}{x.focus.length ? ` · ${x.focus.join(", ")}` : ""}</span>
                  <span class="mono muted bank-id">{x.id}</span>
                </div>
                <p class="q-prompt">{x.prompt}</p>
                {x.tags.length > 0 && <p class="small muted bank-tags">Tags: {x.tags.join(", ")}</p>}
                <button
                  type="button"
                  class="btn btn-small"
                  aria-expanded={open === x.id}
                  aria-controls={`bank-detail-${x.id}`}
                  onClick={() => setOpen(open === x.id ? null : x.id)}
                >
                  {open === x.id ? "Hide rubric" : `Rubric and ${x.exemplar_count} exemplars`}
                </button>
                {open === x.id && <BankDetail id={x.id} />}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function BankDetail(props: { id: string }) {
  const { data: q, error } = useApi<BankQuestion>(
    () => call(api.GET("/api/bank/questions/{bank_id}", { params: { path: { bank_id: props.id } } })),
    [props.id],
  );
  if (error) return <Alert>{error}</Alert>;
  if (!q) return <Loading />;
  return (
    <div class="rubric-body bank-detail" id={`bank-detail-${q.id}`}>
      <p class="small muted">
        {q.kind === "video"
          ? `Think ${humanSeconds(q.think_time_s)} · answer ${humanSeconds(q.max_answer_s)} · ${q.retakes_allowed} retake${q.retakes_allowed === 1 ? "" : "s"}`
          : `Answer ${humanSeconds(q.max_answer_s)} · ${q.max_chars.toLocaleString()} characters`}
      </p>
      <RubricView reveals={q.reveals} redFlags={q.red_flags} levels={levelList(q.levels)}
        exemplars={q.exemplars.map((e, i) => ({ key: String(i), level: e.level, text: e.text }))} />
    </div>
  );
}

/** Import a bank file (as exported) into a new draft assessment; every problem is listed if refused. */
function BankImport() {
  const [problems, setProblems] = useState<Problem[]>([]);
  const { submit: send, busy, error, setError } = useSubmit(async (doc: Record<string, unknown> | unknown[]) => {
    try {
      return await call(api.POST("/api/bank/import", { body: doc }));
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.body.problems)) setProblems(err.body.problems as Problem[]);
      throw err;
    }
  });
  const [done, setDone] = useState<Schemas["BankImportOut"] | null>(null);
  const input = useRef<HTMLInputElement>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    setError(null);
    setProblems([]);
    setDone(null);
    if (!file) {
      setError("Choose a JSON file first.");
      return;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      setError(`${file.name} is not valid JSON. Export the bank here to see the expected format.`);
      return;
    }
    if (doc === null || typeof doc !== "object") {
      setError("A bank file is a JSON object with a “questions” list, or a list of questions.");
      return;
    }
    const out = await send(doc as Record<string, unknown> | unknown[]);
    if (!out) return;
    setDone(out);
    if (input.current) input.current.value = "";
  }

  return (
    <details class="card bank-import">
      <summary>Import questions from a JSON file</summary>
      <form onSubmit={submit} aria-label="Import questions">
        <p class="small muted" id="import-help">
          A file in the format “Export JSON” writes. The whole file is checked first; valid questions become a new
          draft assessment, and nothing is stored if any question is wrong.
        </p>
        <div class="field">
          <label for="import-file">Bank file (JSON)</label>
          <input id="import-file" ref={input} type="file" accept=".json,application/json" aria-describedby="import-help" />
        </div>
        {error && <Alert>{error}</Alert>}
        {problems.length > 0 && (
          <div class="table-wrap" role="region" aria-label="Questions to fix" tabIndex={0}>
            <table class="table">
              <caption class="sr-only">Questions of the file that cannot be imported</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Question</th>
                  <th scope="col">Field</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p, i) => (
                  <tr key={i}>
                    <td>{p.index}</td>
                    <td class="mono">{p.question_id ?? "—"}</td>
                    <td class="mono">{p.field ?? "—"}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {done && done.assessment_id && (
          <Alert kind="success">
            Imported {done.question_count} question{done.question_count === 1 ? "" : "s"} into the draft{" "}
            <Link href={`/app/assessments/${done.assessment_id}`}>{done.assessment_title ?? "assessment"}</Link>.
          </Alert>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Importing…" : "Import"}</button>
      </form>
    </details>
  );
}
