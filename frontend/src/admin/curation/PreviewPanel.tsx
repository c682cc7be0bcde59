/** Before vs. after an exemplar change, side by side: figures, charts and the answers that move. */
import type { Schemas } from "../../api/client";
import { formatNumber } from "../../ui/components";
import { ConfusionMatrix, MetricBars, kappa, pct, type Metrics } from "./charts";

type Preview = Schemas["AgreementPreviewOut"];

function delta(before: number | null, after: number | null, asPct: boolean): string {
  if (before === null || after === null) return "";
  const d = after - before;
  if (Math.abs(d) < 1e-9) return "no change";
  const text = asPct ? `${Math.round(Math.abs(d) * 100)} pts` : Math.abs(d).toFixed(2);
  return d > 0 ? `+${text}` : `−${text}`;
}

function Side(props: { id: string; title: string; note: string; metrics: Metrics; tone: "before" | "after" }) {
  return (
    <section class={`preview-side preview-${props.tone}`} aria-labelledby={`${props.id}-h`}>
      <h3 id={`${props.id}-h`}>{props.title}</h3>
      <p class="small muted">{props.note}</p>
      <MetricBars id={`${props.id}-bars`} metrics={props.metrics} tone={props.tone} title={`${props.title}: agreement of the AI with reviewers`} />
      <ConfusionMatrix id={`${props.id}-cm`} metrics={props.metrics} title={`${props.title}: reviewers' scores against AI levels`} />
    </section>
  );
}

export function PreviewPanel(props: {
  preview: Preview;
  label: string;
  stale: boolean;
  onClose: () => void;
  onSave?: (() => void) | null;
  saveLabel?: string;
  danger?: boolean;
  busy?: boolean;
}) {
  const p = props.preview;
  const stored = p.before_basis === "stored";
  const rows: [string, number | null, number | null, boolean, (v: number | null) => string][] = [
    ["QWK", p.before.qwk, p.after.qwk, false, kappa],
    ["Exact agreement", p.before.exact_agreement, p.after.exact_agreement, true, pct],
    ["Within one level", p.before.adjacent_agreement, p.after.adjacent_agreement, true, pct],
    ["Interval coverage", p.before.coverage, p.after.coverage, true, pct],
    ["AI abstained", p.before.abstain_rate, p.after.abstain_rate, true, pct],
  ];
  const moved = p.answers.filter((a) => a.before_level !== a.after_level);
  return (
    <section class="card preview-card" aria-labelledby="preview-h" tabIndex={-1} id="preview">
      <div class="preview-head">
        <h2 id="preview-h">Preview: {props.label}</h2>
        <button type="button" class="btn btn-small btn-quiet" onClick={props.onClose}>Close preview</button>
      </div>
      {props.stale && <p class="alert alert-warning" role="status">The change was edited after this preview: preview again.</p>}
      <p class="small">
        {p.answers.length === 0
          ? "No reviewed answers to compare yet: review some answers to this question first."
          : `${p.answers.length} reviewed answer${p.answers.length === 1 ? "" : "s"} re-scored in memory, each without its own exemplar or example; nothing is saved.`}
      </p>
      <div class="table-wrap">
        <table class="table preview-table">
          <caption class="sr-only">Agreement before and after</caption>
          <thead>
            <tr><th scope="col">Measure</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Change</th></tr>
          </thead>
          <tbody>
            {rows.map(([label, b, a, asPct, fmt]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td data-side="before">{fmt(b)}</td>
                <td data-side="after">{fmt(a)}</td>
                <td class="small">{delta(b, a, asPct)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="preview-grid">
        <Side id="pv-before" title="Before" tone="before" metrics={p.before}
          note={stored ? "The suggestions reviewers saw (stored)." : "Scored now with the saved exemplars."} />
        <Side id="pv-after" title="After" tone="after" metrics={p.after}
          note={stored ? "Scored now with the saved exemplars." : "Scored now with this change applied."} />
      </div>
      {props.onSave && !props.stale && (
        <div class="actions-row preview-save">
          <button type="button" class={props.danger ? "btn btn-danger" : "btn btn-primary"} disabled={props.busy} onClick={props.onSave}>{props.saveLabel ?? "Save this change"}</button>
          <span class="small muted">or change it below and preview again.</span>
        </div>
      )}
      {moved.length > 0 && (
        <details class="moved">
          <summary>{moved.length} answer{moved.length === 1 ? "" : "s"} would get another level</summary>
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr><th scope="col">Answer</th><th scope="col">Reviewers</th><th scope="col">AI before</th><th scope="col">AI after</th></tr>
              </thead>
              <tbody>
                {moved.map((a) => (
                  <tr key={a.response_id}>
                    <td><a href={`/app/review/${a.response_id}`}>Open</a></td>
                    <td>{a.human}</td>
                    <td>{a.before_level ?? "abstained"} <span class="muted small">{formatNumber(a.before_score, 2)}</span></td>
                    <td>{a.after_level ?? "abstained"} <span class="muted small">{formatNumber(a.after_score, 2)}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
