/** Agreement figures as inline SVG (a few rects and lines, like report/ScoreChart): rate bars
 * and a confusion matrix, each with a title and description, and the matrix also as a table. */
import type { Schemas } from "../../api/client";
import { BarChart } from "../../ui/BarChart";

export type Metrics = Schemas["AgreementMetrics"];

/** "62%" for a rate in 0..1; "—" when undefined. */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? "—" : `${Math.round(v * 100)}%`;
}

/** QWK with two decimals ("0.71"); "—" when undefined. */
export function kappa(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? "—" : v.toFixed(2);
}

type Row = { key: string; label: string; value: number | null; text: string; help: string };

export function metricRows(m: Metrics): Row[] {
  return [
    { key: "qwk", label: "QWK", value: m.qwk, text: kappa(m.qwk), help: "quadratic weighted kappa, 1 = perfect" },
    { key: "exact", label: "Exact agreement", value: m.exact_agreement, text: pct(m.exact_agreement), help: "AI level equals the reviewers' score" },
    { key: "adjacent", label: "Within one level", value: m.adjacent_agreement, text: pct(m.adjacent_agreement), help: "AI level at most one away" },
    { key: "coverage", label: "Interval coverage", value: m.coverage, text: pct(m.coverage), help: "reviewers' score inside the AI's interval" },
  ];
}

/** Horizontal bars on 0..1 (QWK below 0 draws no bar; its value is still written). */
export function MetricBars(props: { id: string; metrics: Metrics; title: string; tone?: "before" | "after" }) {
  const rows = metricRows(props.metrics);
  return (
    <BarChart
      id={props.id}
      title={props.title}
      figureClass="agreement-chart"
      description={rows.map((r) => `${r.label}: ${r.value === null ? "not defined" : r.text}`).join("; ")
        + `; ${props.metrics.n_scored} of ${props.metrics.n} reviewed answers compared`}
      rows={rows.map((r) => ({ key: r.key, label: r.label, value: r.value, text: r.text, metric: r.key,
        tone: props.tone === "before" ? "before" : undefined }))}
      missing="not defined yet"
    />
  );
}

/** Rows: the reviewers' final score; columns: the AI's level. The diagonal is agreement. */
export function ConfusionMatrix(props: { id: string; metrics: Metrics; title: string }) {
  const { labels, confusion } = props.metrics;
  const cell = 46;
  const left = 92;
  const top = 52;
  const W = left + labels.length * cell + 8;
  const H = top + labels.length * cell + 8;
  const max = Math.max(1, ...confusion.flat());
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  return (
    <div class="confusion">
      <figure class="chart">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-t ${props.id}-d`} class="chart-svg confusion-svg" style={{ maxWidth: `${W * 1.15}px` }}>
          <title id={`${props.id}-t`}>{props.title}</title>
          <desc id={`${props.id}-d`}>
            {total === 0
              ? "No compared answers yet."
              : confusion
                  .map((row, i) => `Reviewers ${labels[i]}: ` + row.map((n, j) => `AI ${labels[j]} ${n}`).join(", "))
                  .join("; ")}
          </desc>
          <text x={left + (labels.length * cell) / 2} y={14} text-anchor="middle" class="axis-title">AI level</text>
          <text x={14} y={top + (labels.length * cell) / 2} text-anchor="middle" class="axis-title"
            transform={`rotate(-90 14 ${top + (labels.length * cell) / 2})`}>Reviewers</text>
          {labels.map((l, j) => (
            <text key={`c${l}`} x={left + j * cell + cell / 2} y={top - 10} text-anchor="middle" class="grid-label">{l}</text>
          ))}
          {labels.map((l, i) => (
            <g key={`r${l}`}>
              <text x={left - 12} y={top + i * cell + cell / 2 + 5} text-anchor="end" class="grid-label">{l}</text>
              {labels.map((_, j) => {
                const n = confusion[i]?.[j] ?? 0;
                const alpha = n === 0 ? 0 : 0.15 + 0.85 * (n / max);
                return (
                  <g key={j}>
                    <rect x={left + j * cell} y={top + i * cell} width={cell - 2} height={cell - 2} rx={4}
                      class={i === j ? "cm-cell diag" : "cm-cell"} style={{ fillOpacity: alpha }} />
                    <rect x={left + j * cell} y={top + i * cell} width={cell - 2} height={cell - 2} rx={4}
                      class={i === j ? "cm-frame diag" : "cm-frame"} />
                    <text x={left + j * cell + cell / 2 - 1} y={top + i * cell + cell / 2 + 5} text-anchor="middle"
                      class={alpha > 0.55 ? "cm-num strong" : n === 0 ? "cm-num zero" : "cm-num"}>{n}</text>
                  </g>
                );
              })}
            </g>
          ))}
        </svg>
        <figcaption class="small muted">Rows: reviewers' final score · columns: AI level · outlined diagonal: the same level</figcaption>
      </figure>
      <details class="table-fallback">
        <summary>The matrix as a table</summary>
        <table class="table cm-table">
          <caption class="sr-only">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">Reviewers \ AI</th>
              {labels.map((l) => <th scope="col" key={l}>AI {l}</th>)}
            </tr>
          </thead>
          <tbody>
            {labels.map((l, i) => (
              <tr key={l}>
                <th scope="row">Reviewers {l}</th>
                {labels.map((_, j) => <td key={j}>{confusion[i]?.[j] ?? 0}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** The headline figures as a definition list (test hooks: data-metric). */
export function MetricFacts(props: { metrics: Metrics }) {
  const m = props.metrics;
  const facts: [string, string, string][] = [
    ["qwk", "QWK", kappa(m.qwk)],
    ["exact", "Exact agreement", pct(m.exact_agreement)],
    ["adjacent", "Within one level", pct(m.adjacent_agreement)],
    ["coverage", "Interval coverage", pct(m.coverage)],
    ["n", "Reviewed answers", String(m.n)],
    ["abstain", "AI abstained", pct(m.abstain_rate)],
  ];
  return (
    <dl class="metric-facts">
      {facts.map(([k, label, v]) => (
        <div key={k} class={`fact-${k}`}>
          <dt>{label}</dt>
          <dd data-fact={k}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
