/** The AI's suggestion as evidence for a human: score, interval on the rubric scale, the
 * nearest exemplars per level next to the answer's matching sentences, or why it abstained. */
import type { Schemas } from "../api/client";
import { Alert, formatDuration, formatNumber } from "../ui/components";
import type { Span } from "./AnswerPane";
import type { ReviewItem } from "./items";

type Suggestion = Schemas["SuggestionView"];
type Reliability = Schemas["TranscriptReliability"];

const SHOWN_DOUBTFUL = 12;
const BAND_WORDS: Record<string, string> = {
  medium: "somewhat doubtful",
  low: "doubtful",
};

/** When the suggestion rests on a doubtful transcript: how doubtful, and the words to hear. */
export function TranscriptDoubt(props: { reliability: Reliability | null | undefined; onSeek?: (t: number) => void }) {
  const r = props.reliability;
  if (!r || (r.band === "high" && r.doubtful_words.length === 0)) return null;
  const words = r.doubtful_words;
  const facts = [
    r.mean_word_probability != null ? `recogniser confidence ${Math.round(100 * r.mean_word_probability)}%` : null,
    r.completeness != null && r.completeness < 0.97 ? `${Math.round(100 * r.completeness)}% of the speech transcribed` : null,
    r.words_per_second != null && (r.words_per_second < 1.5 || r.words_per_second > 4.5)
      ? `${formatNumber(r.words_per_second, 1)} words per second`
      : null,
  ].filter((f): f is string => f !== null);
  return (
    <div class={`transcript-doubt doubt-${r.band}`} role="note" aria-label="Transcript reliability">
      <p class="small">
        {r.band === "high" ? (
          <>The transcript is clear overall, but a few words were hard to recognise.</>
        ) : (
          <>
            <strong>This suggestion rests on a {BAND_WORDS[r.band] ?? r.band} transcript</strong> ({facts.join(", ")}). Its
            interval is calibrated on transcripts as doubtful, so it is wider. Listen before relying on the score.
          </>
        )}
      </p>
      {words.length > 0 && (
        <p class="small doubt-words">
          <span class="muted">Hard to recognise: </span>
          {words.slice(0, SHOWN_DOUBTFUL).map((w, i) => (
            <button
              key={i}
              type="button"
              class="btn btn-small doubt-word"
              onClick={() => props.onSeek?.(w.start)}
              disabled={!props.onSeek}
              title={`Play from ${formatDuration(w.start)}`}
              aria-label={`“${w.word}” at ${formatDuration(w.start)}, ${Math.round(100 * w.probability)}% confidence: play from there`}
            >
              “{w.word}” <span class="muted">{formatDuration(w.start)} · {Math.round(100 * w.probability)}%</span>
            </button>
          ))}
          {words.length > SHOWN_DOUBTFUL && <span class="muted"> and {words.length - SHOWN_DOUBTFUL} more (dotted in the transcript)</span>}
        </p>
      )}
    </div>
  );
}
export type EvidenceLevel = Schemas["EvidenceLevel"];

export function evidenceLevels(s: Suggestion | null | undefined): EvidenceLevel[] {
  return s ? [...s.evidence.levels].sort((a, b) => a.level - b.level) : [];
}

/** The level whose evidence is shown first: the suggested one, else the most probable. */
export function defaultLevel(s: Suggestion | null | undefined): number | null {
  if (!s) return null;
  if (s.rounded_level !== null) return s.rounded_level;
  const levels = evidenceLevels(s);
  if (levels.length === 0) return null;
  return levels.reduce((a, b) => (b.probability > a.probability ? b : a)).level;
}

/** An interval drawn on the rubric scale, with the point estimate and (after deciding) my score. */
export function ScaleInterval(props: {
  min: number;
  max: number;
  score: number | null;
  low: number | null;
  high: number | null;
  level?: number | null;
  mine?: number | null;
  label: string;
}) {
  const { min, max } = props;
  const W = 320;
  const pad = 18;
  const x = (v: number) => pad + ((Math.max(min, Math.min(max, v)) - min) / (max - min || 1)) * (W - 2 * pad);
  const ticks = [];
  for (let v = min; v <= max; v++) ticks.push(v);
  return (
    <svg class="scale-svg" viewBox={`0 0 ${W} 58`} role="img" aria-label={props.label} preserveAspectRatio="xMidYMid meet">
      <line x1={pad} x2={W - pad} y1={26} y2={26} class="axis" />
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={20} y2={32} class="tick" />
          <text x={x(t)} y={50} text-anchor="middle" class="tick-label">{t}</text>
        </g>
      ))}
      {props.low !== null && props.high !== null && (
        <rect x={x(props.low)} y={18} width={Math.max(2, x(props.high) - x(props.low))} height={16} rx={8} class="interval" />
      )}
      {props.level !== null && props.level !== undefined && (
        <circle cx={x(props.level)} cy={26} r={9} class="level-ring" />
      )}
      {props.score !== null && <circle cx={x(props.score)} cy={26} r={5} class="point" />}
      {props.mine !== null && props.mine !== undefined && (
        <path d={`M ${x(props.mine)} 4 l 6 8 l -12 0 z`} class="mine" transform={`rotate(180 ${x(props.mine)} 8)`} />
      )}
    </svg>
  );
}

export function SuggestionSummary(props: { item: ReviewItem; onSeek?: (t: number) => void }) {
  const { item } = props;
  const s = item.suggestion;
  const q = item.question;
  const mine = item.disagreement?.my_score ?? null;
  if (item.suggestion_withheld) {
    return (
      <section class="card sugg" aria-labelledby="sugg-h">
        <h2 id="sugg-h">AI suggestion</h2>
        <Alert kind="info">{item.withheld_reason ?? "Blind review: the suggestion is shown once you have given your score."}</Alert>
      </section>
    );
  }
  if (!s) {
    return (
      <section class="card sugg" aria-labelledby="sugg-h">
        <h2 id="sugg-h">AI suggestion</h2>
        <p class="muted">There is no suggestion for this answer. Give your own score.</p>
      </section>
    );
  }
  if (s.abstained) {
    return (
      <section class="card sugg sugg-abstained" aria-labelledby="sugg-h">
        <h2 id="sugg-h">AI suggestion</h2>
        <div class="alert alert-warning" role="status">
          <strong>AI abstained.</strong> {s.abstain_reason ?? "It could not score this answer reliably."}
        </div>
        <p class="small">Nothing to confirm: give your own score with <kbd>O</kbd> and say why.</p>
      </section>
    );
  }
  const pct = Math.round((s.level ?? 0.8) * 100);
  const full = s.low !== null && s.high !== null && s.low <= q.scale_min && s.high >= q.scale_max;
  return (
    <section class="card sugg" aria-labelledby="sugg-h">
      <h2 id="sugg-h">AI suggestion</h2>
      <TranscriptDoubt reliability={s.evidence.reliability} onSeek={props.onSeek} />
      <div class="sugg-head">
        <div class="sugg-level">
          <span class="big-num">{s.rounded_level ?? "—"}</span>
          <span class="muted">of {q.scale_max}</span>
        </div>
        <div class="sugg-facts small">
          <div>Expected score <strong>{formatNumber(s.score, 2)}</strong></div>
          <div>
            {pct}% interval <strong>{formatNumber(s.low)}–{formatNumber(s.high)}</strong>
          </div>
        </div>
      </div>
      <ScaleInterval
        min={q.scale_min}
        max={q.scale_max}
        score={s.score}
        low={s.low}
        high={s.high}
        level={s.rounded_level}
        mine={mine}
        label={`Suggested level ${s.rounded_level ?? "none"}, expected ${formatNumber(s.score, 2)}, ${pct}% interval ${formatNumber(s.low)} to ${formatNumber(s.high)} on a ${q.scale_min} to ${q.scale_max} scale${mine !== null ? `; your score ${mine}` : ""}`}
      />
      <p class="scale-legend small muted">
        <span class="lg lg-interval" /> interval <span class="lg lg-point" /> expected <span class="lg lg-ring" /> suggested level
        {mine !== null && <><span class="lg lg-mine" /> your score</>}
      </p>
      {full && (
        <p class="small warn-text">The interval covers the whole scale: the model is unsure here. Read the answer closely.</p>
      )}
    </section>
  );
}

export function EvidencePane(props: {
  item: ReviewItem;
  selected: number | null;
  onSelect: (level: number) => void;
  focus: Span | null;
  onFocus: (span: Span | null) => void;
}) {
  const s = props.item.suggestion;
  const levels = evidenceLevels(s);
  if (!s || levels.length === 0) return null;
  const current = levels.find((l) => l.level === props.selected) ?? levels[0]!;
  const ev = s.evidence;
  return (
    <section class="card evidence" aria-labelledby="ev-h">
      <h2 id="ev-h">Evidence</h2>
      <p class="small muted">How close the answer is to each level's exemplars. Choose a level to compare.</p>
      <div class="level-probs" role="group" aria-label="Probability per level">
        {levels.map((l) => (
          <button
            key={l.level}
            type="button"
            class={`lp${l.level === s.rounded_level ? " suggested" : ""}`}
            aria-pressed={l.level === current.level}
            onClick={() => props.onSelect(l.level)}
            title={l.descriptor}
          >
            <span class="lp-bar" aria-hidden="true"><span style={{ height: `${Math.max(2, l.probability * 100)}%` }} /></span>
            <span class="lp-num">{l.level}</span>
            <span class="lp-p">{Math.round(l.probability * 100)}%</span>
          </button>
        ))}
      </div>
      <h3 class="ev-level-h">
        Level {current.level}
        {current.descriptor && <span class="muted"> — {current.descriptor}</span>}
      </h3>
      <div class="ev-cols">
        <div>
          <h4>Nearest exemplars</h4>
          {current.nearest.length === 0 ? (
            <p class="muted small">No exemplar at this level.</p>
          ) : (
            <ul class="ev-list">
              {current.nearest.map((n, i) => (
                <li key={i}>
                  <blockquote>{n.text}</blockquote>
                  <span class="small muted">similarity {formatNumber(n.similarity, 2)}{n.source && n.source !== "exemplar" ? ` · ${n.source}` : ""}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h4>Matching sentences in the answer</h4>
          {current.sentences.length === 0 ? (
            <p class="muted small">No sentence of the answer matches this level.</p>
          ) : (
            <ul class="ev-list">
              {current.sentences.map((m, i) => {
                const on = props.focus !== null && props.focus.start === m.start && props.focus.end === m.end;
                return (
                  <li key={i}>
                    <button
                      type="button"
                      class="sentence"
                      aria-pressed={on}
                      onClick={() => props.onFocus(on ? null : { start: m.start, end: m.end })}
                    >
                      “{m.text}”
                    </button>
                    <span class="small muted">similarity {formatNumber(m.similarity, 2)} · show in answer</span>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      </div>
      <details class="model-details small">
        <summary>How this was computed</summary>
        <dl class="kv">
          {ev.regime && <><dt>Method</dt><dd>{ev.regime}</dd></>}
          {ev.interval_method && <><dt>Interval</dt><dd>{ev.interval_method} ({ev.n_calibration} calibration answers)</dd></>}
          <dt>Exemplars</dt><dd>{ev.n_exemplars}</dd>
          {Object.entries(s.model_versions).map(([k, v]) => (
            <Fragmentless key={k} k={k} v={String(v)} />
          ))}
        </dl>
      </details>
    </section>
  );
}

function Fragmentless(props: { k: string; v: string }) {
  return (
    <>
      <dt>{props.k.replace(/_/g, " ")}</dt>
      <dd class="mono">{props.v}</dd>
    </>
  );
}
