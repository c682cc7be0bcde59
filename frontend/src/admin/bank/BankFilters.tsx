/** The bank's search box and filter menus (text, role, competency, kind, focus). */
import { competencyLabel } from "../builder/DimensionsEditor";
import type { BankFilters } from "./search";

export function BankFilterBar(props: {
  filters: BankFilters;
  onChange: (f: BankFilters) => void;
  competencies: string[];
  focuses: string[];
  roles?: string[];
  idPrefix: string;
}) {
  const { filters: f, idPrefix: p } = props;
  const set = (change: Partial<BankFilters>) => props.onChange({ ...f, ...change });
  return (
    <div class="bank-filters" role="search" aria-label="Search the question bank">
      <div class="field bank-q">
        <label for={`${p}-q`}>Search</label>
        <input id={`${p}-q`} type="text" placeholder="e.g. drift, latency" value={f.q} onInput={(e) => set({ q: e.currentTarget.value })} />
      </div>
      {props.roles && props.roles.length > 0 && (
        <div class="field">
          <label for={`${p}-role`}>Role</label>
          <select id={`${p}-role`} value={f.role} onChange={(e) => set({ role: e.currentTarget.value })}>
            <option value="">All roles</option>
            {props.roles.map((r) => (
              <option key={r} value={r}>{competencyLabel(r)}</option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for={`${p}-comp`}>Competency</label>
        <select id={`${p}-comp`} value={f.competency} onChange={(e) => set({ competency: e.currentTarget.value })}>
          <option value="">All competencies</option>
          {props.competencies.map((c) => (
            <option key={c} value={c}>{competencyLabel(c)}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${p}-kind`}>Kind</label>
        <select id={`${p}-kind`} value={f.kind} onChange={(e) => set({ kind: e.currentTarget.value as BankFilters["kind"] })}>
          <option value="">Video and written</option>
          <option value="video">Video</option>
          <option value="written">Written</option>
        </select>
      </div>
      <div class="field">
        <label for={`${p}-focus`}>Focus</label>
        <select id={`${p}-focus`} value={f.focus} onChange={(e) => set({ focus: e.currentTarget.value })}>
          <option value="">Any focus</option>
          {props.focuses.map((x) => (
            <option key={x} value={x}>{x}</option>
          ))}
        </select>
      </div>
    </div>
  );
}
