/** Horizontal bars on a 0..1 scale as inline SVG, with a title and a description for screen
 * readers (the agreement figures and the fairness impact ratios). */
import type { ComponentChildren } from "preact";

export type Bar = {
  key: string;
  label: string;
  /** Position on 0..1 (clamped); null draws no bar and writes `missing` instead. */
  value: number | null;
  /** The value as written at the end of the row. */
  text: string;
  /** Extra classes of the bar (e.g. "before", "flag"). */
  tone?: string;
  /** `data-metric` of the value text, for tests and styling. */
  metric?: string;
};

export function BarChart(props: {
  id: string;
  title: string;
  description: string;
  rows: Bar[];
  figureClass: string;
  width?: number;
  labelWidth?: number;
  valueWidth?: number;
  rowHeight?: number;
  barHeight?: number;
  ticks?: number[];
  /** A labelled reference line (e.g. the four-fifths rule at 0.8). */
  mark?: { at: number; label: string };
  missing?: string;
  /** Bars of a positive value are at least 1 unit wide; a zero draws none unless this is set. */
  minBar?: number;
  children?: ComponentChildren;
}) {
  const W = props.width ?? 440;
  const labelW = props.labelWidth ?? 128;
  const valueW = props.valueWidth ?? 52;
  const rowH = props.rowHeight ?? 30;
  const barH = props.barHeight ?? 16;
  const top = 20;
  const plotW = W - labelW - valueW;
  const H = top + props.rows.length * rowH + 4;
  const x = (v: number) => labelW + Math.max(0, Math.min(1, v)) * plotW;
  const ticks = props.ticks ?? [0, 0.25, 0.5, 0.75, 1];
  return (
    <figure class={`chart ${props.figureClass}`}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-t ${props.id}-d`} class="chart-svg">
        <title id={`${props.id}-t`}>{props.title}</title>
        <desc id={`${props.id}-d`}>{props.description}</desc>
        {ticks.map((g) => (
          <g key={g}>
            <line x1={x(g)} x2={x(g)} y1={top - 6} y2={H - 2} class="grid" />
            <text x={x(g)} y={11} text-anchor="middle" class="grid-label">{String(g)}</text>
          </g>
        ))}
        {props.mark && (
          <>
            <line x1={x(props.mark.at)} x2={x(props.mark.at)} y1={top - 8} y2={H} class="four-fifths" />
            <text x={x(props.mark.at)} y={11} text-anchor="middle" class="grid-label strong-label">{props.mark.label}</text>
          </>
        )}
        {props.rows.map((r, i) => {
          const mid = top + i * rowH + rowH / 2;
          return (
            <g key={r.key} class="row">
              <text x={labelW - 10} y={mid + 5} text-anchor="end" class="row-label">{r.label}</text>
              {r.value === null ? (
                <text x={labelW + 6} y={mid + 5} class="not-scored">{props.missing ?? "—"}</text>
              ) : (
                <rect x={labelW} y={mid - barH / 2} height={barH} rx={3}
                  width={Math.max(r.value > 0 ? 1 : props.minBar ?? 0, x(r.value) - labelW)}
                  class={r.tone ? `mbar ${r.tone}` : "mbar"} />
              )}
              <text x={W - valueW + 8} y={mid + 5} class="row-value" data-metric={r.metric}>{r.text}</text>
            </g>
          );
        })}
      </svg>
      {props.children}
    </figure>
  );
}
