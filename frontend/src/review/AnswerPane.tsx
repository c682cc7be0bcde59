/** The candidate's answer: the video with a word-timed transcript, or the written text.
 * Evidence sentences are highlighted in it by their character span. All text is rendered as
 * text nodes (never innerHTML). */
import { Fragment } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { formatDuration } from "../ui/components";
import type { ReviewItem } from "./items";

export type Span = { start: number; end: number };

type Word = Schemas["TranscriptWord"];
type Segment = Schemas["TranscriptSegment"];
type TimedWord = Word & { index: number; seg: number; charStart: number; charEnd: number };
/** Speech (by voice activity detection) that no transcript word covers. */
type Gap = Schemas["TranscriptGap"];

const GAP_REASONS: Record<string, string> = {
  no_words: "speech was heard but no words were recognised",
  doubtful_decode: "the recogniser's text looked invented and was not kept",
  repetition: "the recogniser looped on repeated text",
};

function gapLabel(g: Gap): string {
  const secs = Math.max(1, Math.round(g.end - g.start));
  return `${secs} s here (${formatDuration(g.start)}–${formatDuration(g.end)}) could not be transcribed: listen`;
}

/** A thin bar under the video: where the gaps are in the recording; a click plays from one. */
function GapTimeline(props: { gaps: Gap[]; duration: number; onSeek: (t: number) => void }) {
  if (props.gaps.length === 0 || props.duration <= 0) return null;
  return (
    <div class="gap-timeline" role="group" aria-label="Parts of the recording without transcript">
      {props.gaps.map((g, i) => (
        <button
          key={i}
          type="button"
          class="gap-mark"
          style={{ left: `${(100 * g.start) / props.duration}%`, width: `${Math.max((100 * (g.end - g.start)) / props.duration, 0.8)}%` }}
          title={gapLabel(g)}
          aria-label={`Play the untranscribed part from ${formatDuration(g.start)}`}
          onClick={() => props.onSeek(g.start)}
        />
      ))}
    </div>
  );
}

const SPEEDS = [0.75, 1, 1.25, 1.5, 2] as const;
let preferredRate = 1; // kept while moving between answers

function overlaps(a: Span, s: number, e: number): boolean {
  return s < a.end && e > a.start;
}

/** Each word with its character range in the transcript text (what evidence spans point into). */
function timedWords(text: string, segments: Segment[]): TimedWord[] {
  const out: TimedWord[] = [];
  let cursor = 0;
  segments.forEach((seg, si) => {
    for (const w of seg.words) {
      const token = w.word.trim();
      const at = token ? text.indexOf(token, cursor) : -1;
      const charStart = at >= 0 ? at : cursor;
      const charEnd = at >= 0 ? at + token.length : cursor;
      if (at >= 0) cursor = charEnd;
      out.push({ ...w, index: out.length, seg: si, charStart, charEnd });
    }
  });
  return out;
}

export function AnswerPane(props: {
  item: ReviewItem;
  marks: Span[];
  focus: Span | null;
  videoRef: { current: HTMLVideoElement | null };
}) {
  const { item } = props;
  return (
    <section class="card answer" aria-labelledby="answer-h">
      <h2 id="answer-h">
        Answer <span class="muted small">take {item.take}{item.duration_s ? ` · ${formatDuration(item.duration_s)}` : ""}</span>
      </h2>
      {item.is_partial && (
        <p class="alert alert-warning small">This take ended early (partial recording); judge what is there.</p>
      )}
      {item.kind === "video" ? (
        <VideoAnswer item={item} marks={props.marks} focus={props.focus} videoRef={props.videoRef} />
      ) : (
        <WrittenAnswer text={item.text ?? ""} marks={props.marks} focus={props.focus} />
      )}
    </section>
  );
}

function VideoAnswer(props: { item: ReviewItem; marks: Span[]; focus: Span | null; videoRef: { current: HTMLVideoElement | null } }) {
  const { item } = props;
  const transcript = item.transcript;
  const gaps: Gap[] = transcript?.gaps ?? [];
  const blocks = useMemo(() => {
    const out: ({ kind: "seg"; at: number; si: number } | { kind: "gap"; at: number; gap: Gap })[] = [];
    (transcript?.segments ?? []).forEach((seg, si) => out.push({ kind: "seg", at: seg.start, si }));
    gaps.forEach((gap) => out.push({ kind: "gap", at: gap.start, gap }));
    return out.sort((a, b) => a.at - b.at);
  }, [transcript]);
  const words = useMemo(() => (transcript ? timedWords(transcript.text, transcript.segments) : []), [transcript]);
  const [current, setCurrent] = useState(-1);
  const [rate, setRate] = useState(preferredRate);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const v = props.videoRef.current;
    if (!v) return;
    v.defaultPlaybackRate = rate;
    v.playbackRate = rate;
  }, [rate, item.id]);

  function onTime() {
    const v = props.videoRef.current;
    if (!v || words.length === 0) return;
    const t = v.currentTime;
    // The last word that has started; a word stays lit through the short pause after it.
    let lo = 0;
    let hi = words.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (words[mid]!.start <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found >= 0 && t > words[found]!.end + 1.0) found = -1;
    if (found !== current) setCurrent(found);
  }

  // Keep the lit word in view inside the transcript box (never scrolls the page).
  useEffect(() => {
    const container = box.current;
    const el = container?.querySelector<HTMLElement>(".word.current");
    if (!container || !el) return;
    const top = el.offsetTop - container.offsetTop;
    if (top < container.scrollTop || top > container.scrollTop + container.clientHeight - 40) {
      container.scrollTop = Math.max(0, top - container.clientHeight / 3);
    }
  }, [current]);

  // An evidence sentence chosen on the right: show it in the transcript.
  useEffect(() => {
    const el = box.current?.querySelector<HTMLElement>(".word.focus");
    const container = box.current;
    if (el && container) container.scrollTop = Math.max(0, el.offsetTop - container.offsetTop - 40);
  }, [props.focus]);

  function seek(t: number) {
    const v = props.videoRef.current;
    if (!v) return;
    v.currentTime = t;
    onTime();
  }

  function onWordClick(e: MouseEvent) {
    const el = (e.target as HTMLElement).closest<HTMLElement>("[data-start]");
    if (el) seek(Number(el.dataset.start));
  }

  return (
    <div class="video-answer">
      <div class="video-col">
        {item.video_url ? (
          <video
            ref={props.videoRef}
            class="review-video"
            controls
            preload="metadata"
            playsInline
            src={item.video_url}
            poster={item.poster_url ?? undefined}
            onTimeUpdate={onTime}
            onSeeked={onTime}
            onLoadedMetadata={(e) => {
              e.currentTarget.playbackRate = rate;
            }}
            onError={(e) => {
              // The signed link expired while the page stayed open: the session still
              // authorizes the plain media path, so continue from where playback was.
              const v = e.currentTarget;
              if (!v.currentSrc.includes("?")) return;
              const at = v.currentTime;
              v.addEventListener("loadedmetadata", () => { v.currentTime = at; }, { once: true });
              v.src = item.video_url!.split("?")[0]!;
            }}
          />
        ) : (
          <p class="muted">The recording is not available.</p>
        )}
        <GapTimeline gaps={gaps} duration={item.duration_s ?? transcript?.segments?.at(-1)?.end ?? 0} onSeek={seek} />
        <div class="speeds" role="group" aria-label="Playback speed">
          <span class="small muted" aria-hidden="true">Speed</span>
          {SPEEDS.map((s) => (
            <button
              key={s}
              type="button"
              class="btn btn-small speed"
              aria-pressed={rate === s}
              onClick={() => {
                preferredRate = s;
                setRate(s);
                // Apply at once, not after the next render: the reviewer hears the change now.
                const v = props.videoRef.current;
                if (v) {
                  v.defaultPlaybackRate = s;
                  v.playbackRate = s;
                }
              }}
            >
              {s}×
            </button>
          ))}
        </div>
      </div>
      <div class="transcript-col">
        <h3 class="transcript-h">
          Transcript
          {transcript?.model_name && <span class="muted small"> · automatic ({transcript.model_name}); may contain errors</span>}
        </h3>
        {transcript && gaps.length > 0 && (
          <p class="gap-summary" role="note">
            ⚠ {transcript.completeness != null ? `The transcript covers ${Math.round(100 * transcript.completeness)}% of the speech; ` : ""}
            {gaps.length === 1 ? "one part" : `${gaps.length} parts`} could not be transcribed. Listen to the marked parts before relying on the transcript.
          </p>
        )}
        {!transcript ? (
          <p class="muted">No transcript yet.</p>
        ) : (transcript.no_speech || words.length === 0) && gaps.length === 0 ? (
          <p class="muted">{transcript.text ? transcript.text : "No speech was recognised in this recording."}</p>
        ) : (
          <div class="transcript" ref={box} onClick={onWordClick} aria-label="Transcript; click a word to play from there">
            {blocks.map((b) => {
              if (b.kind === "gap") {
                return (
                  <p key={`gap-${b.at}`} class="seg gap">
                    <button type="button" class="ts" onClick={(e) => { e.stopPropagation(); seek(b.gap.start); }} aria-label={`Play from ${formatDuration(b.gap.start)}`}>
                      {formatDuration(b.gap.start)}
                    </button>{" "}
                    <span class="gap-text" title={GAP_REASONS[b.gap.reason] ?? b.gap.reason}>{gapLabel(b.gap)}</span>
                  </p>
                );
              }
              const si = b.si;
              const seg = transcript.segments[si]!;
              return (
              <p key={si} class="seg">
                <button type="button" class="ts" onClick={(e) => { e.stopPropagation(); seek(seg.start); }} aria-label={`Play from ${formatDuration(seg.start)}`}>
                  {formatDuration(seg.start)}
                </button>{" "}
                {words
                  .filter((w) => w.seg === si)
                  .map((w) => {
                    const classes = ["word"];
                    if (w.index === current) classes.push("current");
                    if (props.marks.some((m) => overlaps(m, w.charStart, w.charEnd))) classes.push("mark");
                    if (props.focus && overlaps(props.focus, w.charStart, w.charEnd)) classes.push("focus");
                    if (w.probability < 0.5) classes.push("low-conf");
                    return (
                      <Fragment key={w.index}>
                        <span
                          class={classes.join(" ")}
                          data-start={w.start}
                          title={`${formatDuration(w.start)}${w.probability < 0.5 ? ` · low recogniser confidence (${Math.round(100 * w.probability)}%)` : ""}`}
                        >
                          {w.word.trim()}
                        </span>{" "}
                      </Fragment>
                    );
                  })}
              </p>
              );
            })}
          </div>
        )}
        {(props.marks.length > 0 || words.some((w) => w.probability < 0.5)) && <p class="small muted legend">
          <span class="word mark">highlighted</span> sentences match the chosen level's exemplars ·{" "}
          <span class="word low-conf">dotted</span> words were hard to recognise
        </p>}
      </div>
    </div>
  );
}

/** Written text cut at the evidence spans; every piece is a text node. */
function WrittenAnswer(props: { text: string; marks: Span[]; focus: Span | null }) {
  const { text } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector(".focus")?.scrollIntoView({ block: "nearest" });
  }, [props.focus]);
  const cuts = new Set<number>([0, text.length]);
  for (const m of [...props.marks, ...(props.focus ? [props.focus] : [])]) {
    cuts.add(Math.max(0, Math.min(text.length, m.start)));
    cuts.add(Math.max(0, Math.min(text.length, m.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i < points.length - 1; i++) {
    const s = points[i]!;
    const e = points[i + 1]!;
    if (e <= s) continue;
    const chunk = text.slice(s, e);
    const isFocus = props.focus !== null && overlaps(props.focus, s, e);
    const isMark = props.marks.some((m) => overlaps(m, s, e));
    pieces.push(isFocus || isMark ? <mark key={s} class={isFocus ? "focus" : undefined}>{chunk}</mark> : chunk);
  }
  return (
    <div class="written-answer" ref={ref}>
      {text ? pieces : <p class="muted">The answer is empty.</p>}
    </div>
  );
}
