/**
 * A written question: character counter, autosave (debounced and on blur), the server's time
 * limit counting down, then submit. When the time is up the current text is submitted; a
 * submit the server finds too late is a 409 and the server keeps the last saved draft.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, call, type Schemas } from "../api/client";
import { t, useT } from "../i18n";
import { formatClock, formatNumber } from "../i18n/format";
import { candidateError } from "../i18n/problems";
import { Alert } from "../ui/components";
import { type ServerClock, useCountdown } from "./clock";
import { writtenTakeId } from "./storage";

type Question = Schemas["CandidateQuestion"];
type SaveState = "idle" | "dirty" | "saving" | "saved" | "error";

const DEBOUNCE_MS = 1000;

export function WrittenQuestion(props: {
  token: string;
  question: Question;
  clock: ServerClock;
  onAnswered: (notice?: string) => void;
}) {
  const { token, question } = props;
  useT();
  const takeId = useRef(writtenTakeId(token, question.id));
  const [text, setText] = useState(question.draft ?? "");
  const [save, setSave] = useState<SaveState>(question.draft ? "saved" : "idle");
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const latest = useRef(text);
  const savedText = useRef(question.draft ?? "");
  const timer = useRef(0);
  const inflight = useRef<Promise<void> | null>(null);

  async function put(value: string, submit: boolean) {
    return call(
      api.PUT("/api/candidate/{token}/written/{question_id}", {
        params: { path: { token, question_id: question.id } },
        body: { take_id: takeId.current, text: value, submit },
      }),
    );
  }

  async function saveNow(): Promise<void> {
    clearTimeout(timer.current);
    if (inflight.current) await inflight.current;
    const value = latest.current;
    if (value === savedText.current) return;
    setSave("saving");
    inflight.current = (async () => {
      try {
        await put(value, false);
        savedText.current = value;
        setError(null);
        setSave(latest.current === value ? "saved" : "dirty");
      } catch (err) {
        setSave("error");
        setError(candidateError(err));
      } finally {
        inflight.current = null;
      }
    })();
    return inflight.current;
  }

  useEffect(() => () => clearTimeout(timer.current), []);
  // The question has just begun: the answer box is where the candidate types.
  const answerBox = useRef<HTMLTextAreaElement>(null);
  useEffect(() => answerBox.current?.focus({ preventScroll: true }), []);

  function onInput(value: string) {
    setText(value);
    latest.current = value;
    setSave("dirty");
    clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void saveNow(), DEBOUNCE_MS);
  }

  async function send(timeUp: boolean) {
    clearTimeout(timer.current);
    if (inflight.current) await inflight.current;
    setSubmitting(true);
    setError(null);
    if (timeUp && !latest.current.trim()) {
      // Nothing to submit: let the server's limit pass too, then move on.
      await new Promise((resolve) => window.setTimeout(resolve, 1500));
      props.onAnswered(t("written.ranOutEmpty"));
      return;
    }
    try {
      await put(latest.current, true);
      props.onAnswered(timeUp ? t("written.timeUpSubmitted") : undefined);
    } catch (err) {
      // Too late, or submitted already (e.g. in another tab): the server kept what was saved.
      if (err instanceof ApiError && err.status === 409) props.onAnswered(candidateError(err));
      else {
        setError(candidateError(err));
        setSubmitting(false);
      }
    }
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (!text.trim()) {
      setError(t("written.empty"));
      return;
    }
    await send(false);
  }

  const left = useCountdown(question.answer_ends_at, props.clock, () => void send(true));

  const count = text.length;
  const near = count > question.max_chars * 0.9;
  return (
    <form class="written-q" onSubmit={submit}>
      {left !== null && (
        <p class={left <= 60 ? "time-left near" : "time-left"}>
          <span class="label">{t("written.timeLeft")}</span>{" "}
          <span class="countdown" role="timer" aria-live="off">
            {formatClock(left)}
          </span>
          <span class="sr-only" aria-live="polite">
            {left <= 60 && left > 58 ? t("written.oneMinute") : ""}
          </span>
        </p>
      )}
      <label for="answer" class="field-label">
        {t("written.yourAnswer")}
      </label>
      <textarea
        ref={answerBox}
        id="answer"
        rows={12}
        maxLength={question.max_chars}
        value={text}
        aria-describedby="answer-count answer-save"
        onInput={(e) => onInput(e.currentTarget.value)}
        onBlur={() => void saveNow()}
        disabled={submitting}
      />
      <div class="written-meta">
        <span id="answer-count" class={near ? "count near" : "count"}>
          {t("written.count", { count: formatNumber(count), max: formatNumber(question.max_chars) })}
        </span>
        <span id="answer-save" class={`save save-${save}`} role="status" aria-live="polite">
          {save === "saving"
            ? t("common.saving")
            : save === "saved"
              ? t("written.saved")
              : save === "dirty"
                ? t("written.dirty")
                : save === "error"
                  ? t("written.notSaved")
                  : ""}
        </span>
      </div>
      {error && <Alert>{error}</Alert>}
      <p class="small muted">{t("written.help")}</p>
      <p class="small muted answer-language">{t("common.answerInEnglish")}</p>
      <button type="submit" class="btn btn-primary btn-large" disabled={submitting}>
        {submitting ? t("common.submitting") : t("written.submit")}
      </button>
    </form>
  );
}
