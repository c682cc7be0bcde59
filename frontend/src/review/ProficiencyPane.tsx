/** English proficiency: kept apart from the competency score, never mixed into it. */
import { Fragment } from "preact";
import type { Schemas } from "../api/client";
import { formatNumber } from "../ui/components";

type Signal = Schemas["ProficiencySignal"];

function signalName(name: string): string {
  const s = name.replace(/_/g, " ").replace(/\bcefr\b/i, "CEFR").replace(/\basr\b/i, "ASR").replace(/\bmtld\b/i, "MTLD");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function value(v: number | null, unit: string): string {
  if (v === null) return "—";
  if (unit === "share") return `${Math.round(v * 100)}%`;
  if (unit === "probability") return formatNumber(v, 2);
  return `${formatNumber(v)} ${unit}`;
}

function range(s: Signal): string {
  if (s.typical_low === null || s.typical_high === null) return "—";
  if (s.unit === "share") return `${Math.round(s.typical_low * 100)}–${Math.round(s.typical_high * 100)}%`;
  return `${formatNumber(s.typical_low)}–${formatNumber(s.typical_high)}`;
}

/** Where the value sits against its typical range, as a word and a small bar. */
function Position(props: { s: Signal }) {
  const { s } = props;
  if (s.value === null || s.typical_low === null || s.typical_high === null) return null;
  const span = s.typical_high - s.typical_low || Math.abs(s.typical_high) || 1;
  const lo = s.typical_low - span;
  const hi = s.typical_high + span;
  const pos = (v: number) => Math.max(0, Math.min(100, ((v - lo) / (hi - lo)) * 100));
  const where = s.value < s.typical_low ? "below" : s.value > s.typical_high ? "above" : "within";
  return (
    <span class="sig-pos">
      <span class="sig-track" aria-hidden="true">
        <span class="sig-typical" style={{ left: `${pos(s.typical_low)}%`, width: `${pos(s.typical_high) - pos(s.typical_low)}%` }} />
        <span class={`sig-dot sig-${where}`} style={{ left: `${pos(s.value)}%` }} />
      </span>
      <span class={`sig-word sig-${where}`}>{where}</span>
    </span>
  );
}

/** The three-way English check (never a bare yes/no): likely meets, uncertain, likely below, or not enough speech. */
export function VerdictBadge(props: { verdict: string; threshold: string }) {
  const t = props.threshold;
  switch (props.verdict) {
    case "likely_meets":
      return <span class="check-yes" title="The whole interval is at or above the threshold">Likely meets {t}</span>;
    case "likely_below":
      return <span class="check-no" title="The whole interval is below the threshold">Likely below {t}</span>;
    case "withheld":
      return <span class="check-unknown" title="Blind review: give your own level first">Hidden until you give your level</span>;
    case "not_enough_speech":
      return <span class="check-unknown" title="Too few words to check the level">Not enough speech</span>;
    default:
      return <span class="check-unknown" title="The interval straddles the threshold: a person decides">Uncertain for {t}</span>;
  }
}

export function ProficiencyPane(props: { proficiency: Schemas["ProficiencyView"] | null | undefined }) {
  const p = props.proficiency;
  if (!p) return null;
  const withRange = p.signals.filter((s) => s.typical_low !== null && s.typical_high !== null);
  const rest = p.signals.filter((s) => s.typical_low === null || s.typical_high === null);
  const check = <VerdictBadge verdict={p.verdict ?? (p.meets_threshold === true ? "likely_meets" : p.meets_threshold === false ? "likely_below" : "uncertain")} threshold={p.threshold ?? "B2"} />;
  return (
    <section class="card prof" aria-labelledby="prof-h">
      <h2 id="prof-h">English proficiency</h2>
      <p class="small muted">A separate signal about the language, not the competency; it does not change the score above.</p>
      <div class="prof-head">
        <div class="band">
          <span class="band-code">{p.band ?? "—"}</span>
          {p.band_low && p.band_high && <span class="small muted">range {p.band_low}–{p.band_high}</span>}
        </div>
        <div class="prof-check">
          <div class="small muted">Threshold check</div>
          {check}
        </div>
      </div>
      {(!p.reliable || p.reason) && p.reason && <p class="small warn-text">{p.reason}</p>}
      {withRange.length > 0 && (
        <table class="table sig-table">
          <caption class="sr-only">Signals and their typical range for the threshold band</caption>
          <thead>
            <tr>
              <th scope="col">Signal</th>
              <th scope="col">Value</th>
              <th scope="col">Typical</th>
              <th scope="col"><span class="sr-only">Where</span></th>
            </tr>
          </thead>
          <tbody>
            {withRange.map((s) => (
              <tr key={s.name}>
                <th scope="row" title={s.description}>{signalName(s.name)}</th>
                <td class="nowrap">{value(s.value, s.unit)}</td>
                <td class="nowrap muted">{range(s)}</td>
                <td><Position s={s} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rest.length > 0 && (
        <details class="small">
          <summary>{rest.length} more signals</summary>
          <dl class="kv">
            {rest.map((s) => (
              <Fragment key={s.name}>
                <dt title={s.description}>{signalName(s.name)}</dt>
                <dd>{value(s.value, s.unit)}</dd>
              </Fragment>
            ))}
          </dl>
        </details>
      )}
    </section>
  );
}

export function RubricPane(props: { levels: { level: number; descriptor: string }[]; suggested: number | null; chosen: number | null; reveals: string; redFlags: string }) {
  const levels = [...props.levels].sort((a, b) => a.level - b.level);
  return (
    <section class="card rubric-card" aria-labelledby="rubric-h">
      <h2 id="rubric-h">Rubric</h2>
      {props.reveals && <p class="small"><strong>Reveals:</strong> {props.reveals}</p>}
      {props.redFlags && <p class="small"><strong>Red flags:</strong> {props.redFlags}</p>}
      <ol class="levels">
        {levels.map((l) => (
          <li key={l.level} class={[l.level === props.suggested ? "is-suggested" : "", l.level === props.chosen ? "is-chosen" : ""].join(" ")}>
            <span class="level-num" aria-label={`Level ${l.level}`}>{l.level}</span>
            <span>
              {l.descriptor}
              {l.level === props.suggested && <span class="badge badge-ai">AI</span>}
              {l.level === props.chosen && <span class="badge badge-you">you</span>}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
