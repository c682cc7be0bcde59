/** What the team calls each candidate stage (e.g. "Phone screen" for advanced); the lifecycle stays fixed. */
import { useState } from "preact/hooks";
import { api, call } from "../../api/client";
import { DEFAULT_NAMES, LIFECYCLE, type Stage, type StageNameMap, loadStageNames } from "../../staff/stages/names";
import { Alert, Loading } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";

export function StageNamesSection() {
  const loaded = useApi(loadStageNames, []);
  const [draft, setDraft] = useState<Partial<StageNameMap>>({});
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async (names: StageNameMap) => {
    const out = await call(api.PUT("/api/organization/stage-names", { body: { names } }));
    return { ...DEFAULT_NAMES, ...(out.names as Partial<StageNameMap>) };
  });
  const names = loaded.data;
  const value = (s: Stage) => draft[s] ?? names?.[s] ?? DEFAULT_NAMES[s];

  async function submit(e: Event) {
    e.preventDefault();
    setSaved(false);
    const all = Object.fromEntries(LIFECYCLE.map((s) => [s, value(s).trim() || DEFAULT_NAMES[s]])) as StageNameMap;
    const out = await save.submit(all);
    if (out) {
      loaded.setData(out);
      setDraft({});
      setSaved(true);
    }
  }

  return (
    <section class="card settings-card" aria-labelledby="stages-h">
      <h2 id="stages-h">Candidate stages</h2>
      <p class="small muted">
        Candidates move through a fixed lifecycle; here you choose what your team sees for each stage, for example
        "Phone screen" for advanced. Leave a name empty to use the default.
      </p>
      {loaded.error && <Alert>{loaded.error}</Alert>}
      {save.error && <Alert>{save.error}</Alert>}
      {saved && <Alert kind="success">Saved: the candidate list shows these names.</Alert>}
      {!names ? (
        <Loading label="Loading stage names…" />
      ) : (
        <form class="stage-names" onSubmit={submit}>
          {LIFECYCLE.map((s) => (
            <div class="field" key={s}>
              <label for={`stage-${s}`}>
                {DEFAULT_NAMES[s]} <span class="muted small">({s})</span>
              </label>
              <input id={`stage-${s}`} type="text" maxLength={60} value={value(s)} onInput={(e) => setDraft({ ...draft, [s]: e.currentTarget.value })} />
            </div>
          ))}
          <div>
            <button type="submit" class="btn btn-primary" disabled={save.busy}>
              {save.busy ? "Saving…" : "Save stage names"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
