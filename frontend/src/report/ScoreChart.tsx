/** Scores on 0-100 as horizontal bars with interval whiskers: inline SVG, no chart library
 * (a handful of rects and lines; a library would outweigh the whole page). */
import type { Schemas } from "../api/client";
import { formatNumber } from "../ui/components";

type Score = Schemas["ScoreOut"];

/** Human-decided scores carry no model uncertainty: their "interval" is a point. */
export function hasInterval(s: Score): s is Score & { low: number; high: number } {
  return s.low !== null && s.high !== null && s.high - s.low >= 0.5;
}

export function ScoreChart(props: { id: string; rows: { label: string; score: Score; strong?: boolean }[]; title: string }) {
  const rowH = 34;
  const labelW = 200;
  const valueW = 120;
  const W = 960; // about the card's width, so text is drawn near its CSS size
  const plotW = W - labelW - valueW;
  const top = 22;
  const H = top + props.rows.length * rowH + 6;
  const x = (v: number) => labelW + (Math.max(0, Math.min(100, v)) / 100) * plotW;
  const grid = [0, 25, 50, 75, 100];
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-t ${props.id}-d`} class="chart-svg">
        <title id={`${props.id}-t`}>{props.title}</title>
        <desc id={`${props.id}-d`}>
          {props.rows
            .map((r) => (r.score.score === null ? `${r.label}: not scored` : `${r.label}: ${formatNumber(r.score.score, 0)} (interval ${formatNumber(r.score.low, 0)} to ${formatNumber(r.score.high, 0)})`))
            .join("; ")}
        </desc>
        {grid.map((g) => (
          <g key={g}>
            <line x1={x(g)} x2={x(g)} y1={top - 6} y2={H - 4} class="grid" />
            <text x={x(g)} y={12} text-anchor="middle" class="grid-label">{g}</text>
          </g>
        ))}
        {props.rows.map((r, i) => {
          const y = top + i * rowH;
          const mid = y + rowH / 2;
          const s = r.score;
          return (
            <g key={r.label} class={r.strong ? "row strong" : "row"}>
              <text x={labelW - 10} y={mid + 5} text-anchor="end" class="row-label">
                {r.label.length > 24 ? `${r.label.slice(0, 23)}…` : r.label}
              </text>
              {s.score === null ? (
                <text x={labelW + 6} y={mid + 5} class="not-scored">Not scored yet</text>
              ) : (
                <>
                  <rect x={labelW} y={mid - 8} width={Math.max(1, x(s.score) - labelW)} height={16} rx={3} class={s.n_human === s.n_scored && s.n_scored > 0 ? "sbar human" : "sbar"} />
                  {hasInterval(s) && (
                    <g class="whisker">
                      <line x1={x(s.low)} x2={x(s.high)} y1={mid} y2={mid} />
                      <line x1={x(s.low)} x2={x(s.low)} y1={mid - 7} y2={mid + 7} />
                      <line x1={x(s.high)} x2={x(s.high)} y1={mid - 7} y2={mid + 7} />
                    </g>
                  )}
                  <text x={W - valueW + 8} y={mid + 5} class="row-value">
                    {formatNumber(s.score, 0)}
                    {hasInterval(s) && <tspan class="row-range"> {formatNumber(s.low, 0)}–{formatNumber(s.high, 0)}</tspan>}
                  </text>
                </>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="small muted">
        Bars: score out of 100 · whiskers: the interval · <span class="swatch swatch-human" /> every scored answer decided by a person ·{" "}
        <span class="swatch swatch-ai" /> includes unconfirmed AI suggestions
      </figcaption>
    </figure>
  );
}

/** A tiny bar with whiskers for table cells (compare view). */
export function MiniBar(props: { score: Score }) {
  const s = props.score;
  if (s.score === null) return <span class="muted small">{s.partial ? s.note : "not scored"}</span>;
  const pct = (v: number) => `${Math.max(0, Math.min(100, v))}%`;
  return (
    <span class="mini" title={`${formatNumber(s.score, 0)} (${formatNumber(s.low, 0)}–${formatNumber(s.high, 0)})`}>
      <span class="mini-num">{formatNumber(s.score, 0)}</span>
      <span class="mini-track" aria-hidden="true">
        <span class={s.n_human === s.n_scored ? "mini-bar human" : "mini-bar"} style={{ width: pct(s.score) }} />
        {hasInterval(s) && (
          <span class="mini-whisker" style={{ left: pct(s.low), width: `calc(${pct(s.high)} - ${pct(s.low)})` }} />
        )}
      </span>
      <span class="mini-range small muted">{hasInterval(s) ? `${formatNumber(s.low, 0)}–${formatNumber(s.high, 0)}` : "by people"}</span>
    </span>
  );
}
