/** A written question: character counter, autosave (debounced and on blur), then submit. */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, call, errorMessage, type Schemas } from "../api/client";
import { Alert } from "../ui/components";
import { writtenTakeId } from "./storage";

type Question = Schemas["CandidateQuestion"];
type SaveState = "idle" | "dirty" | "saving" | "saved" | "error";

const DEBOUNCE_MS = 1000;

export function WrittenQuestion(props: { token: string; question: Question; onAnswered: () => void }) {
  const { token, question } = props;
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
        setError(errorMessage(err));
      } finally {
        inflight.current = null;
      }
    })();
    return inflight.current;
  }

  useEffect(() => () => clearTimeout(timer.current), []);

  function onInput(value: string) {
    setText(value);
    latest.current = value;
    setSave("dirty");
    clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void saveNow(), DEBOUNCE_MS);
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (!text.trim()) {
      setError("Write an answer before submitting.");
      return;
    }
    clearTimeout(timer.current);
    if (inflight.current) await inflight.current;
    setSubmitting(true);
    setError(null);
    try {
      await put(latest.current, true);
      props.onAnswered();
    } catch (err) {
      // Submitted already (e.g. in another tab): move on.
      if (err instanceof ApiError && err.status === 409) props.onAnswered();
      else {
        setError(errorMessage(err));
        setSubmitting(false);
      }
    }
  }

  const count = text.length;
  const near = count > question.max_chars * 0.9;
  return (
    <form class="written-q" onSubmit={submit}>
      <label for="answer" class="field-label">
        Your answer
      </label>
      <textarea
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
          {count.toLocaleString()} / {question.max_chars.toLocaleString()} characters
        </span>
        <span id="answer-save" class={`save save-${save}`} role="status" aria-live="polite">
          {save === "saving" ? "Saving…" : save === "saved" ? "✓ Saved" : save === "dirty" ? "Unsaved changes" : save === "error" ? "Not saved" : ""}
        </span>
      </div>
      {error && <Alert>{error}</Alert>}
      <p class="small muted">Your draft is saved as you type. Once you submit, the answer can no longer change.</p>
      <button type="submit" class="btn btn-primary btn-large" disabled={submitting}>
        {submitting ? "Submitting…" : "Submit answer"}
      </button>
    </form>
  );
}
