/** Before starting: what the interview is, what is recorded, how AI helps reviewers, and consent. */
import { useState } from "preact/hooks";
import { api, call, errorMessage, type Schemas } from "../api/client";
import { Alert, PageHeading, formatDate } from "../ui/components";

export function Intro(props: { token: string; view: Schemas["CandidateView"]; onStarted: (v: Schemas["CandidateView"]) => void }) {
  const { view } = props;
  const [agreed, setAgreed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const practice = view.questions.filter((q) => q.is_practice).length;
  const video = view.questions.some((q) => q.kind === "video");
  const written = view.questions.some((q) => q.kind === "written");

  async function start(event: Event) {
    event.preventDefault();
    if (!agreed) {
      setError("Please tick the box to confirm you agree before starting.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await call(
        api.POST("/api/candidate/{token}/consent", {
          params: { path: { token: props.token } },
          body: { accept: true, consent_version: view.consent_version },
        }),
      );
      props.onStarted(next);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <main class="candidate-page narrow">
      <p class="eyebrow">{view.role}</p>
      <PageHeading title={view.assessment_title}>{view.assessment_title}</PageHeading>
      <p class="lead">
        Hello {view.candidate_name}, {view.organization.organization_name} invites you to this interview. Thank you for
        taking the time.
      </p>
      {view.organization.welcome_text && <p class="intro-text welcome-text">{view.organization.welcome_text}</p>}
      {view.organization.welcome_video_version != null && (
        <div class="welcome-video">
          <video
            src={`/api/candidate/${props.token}/welcome-video?v=${view.organization.welcome_video_version}`}
            controls
            playsInline
            preload="metadata"
            aria-label={`A welcome from ${view.organization.organization_name}`}
          />
        </div>
      )}

      <ul class="facts" aria-label="About this interview">
        <li>
          <strong>About {view.estimated_minutes} minutes</strong>
          <span>at most, if you use all the time</span>
        </li>
        <li>
          <strong>
            {view.scored_question_count} question{view.scored_question_count === 1 ? "" : "s"}
          </strong>
          <span>{practice ? `plus ${practice} practice question${practice === 1 ? "" : "s"}, not scored` : "all scored"}</span>
        </li>
        <li>
          <strong>Open until {formatDate(view.expires_at)}</strong>
          <span>you can pause and come back with the same link</span>
        </li>
      </ul>

      {view.intro && <p class="intro-text">{view.intro}</p>}

      <section class="card" aria-labelledby="rec-h">
        <h2 id="rec-h">What we record</h2>
        <ul class="bullets">
          {video && (
            <li>
              Your <strong>camera and microphone</strong> while you answer video questions — only while the
              recording timer runs. You see the question first and get time to think before recording starts.
            </li>
          )}
          {written && <li>The text you type for written questions. Drafts are saved as you type.</li>}
          <li>When you started and finished. Nothing is recorded before you press Start.</li>
        </ul>
      </section>

      <section class="card" aria-labelledby="ai-h">
        <h2 id="ai-h">How AI assists the reviewers</h2>
        <p>
          {video && "Your spoken answers are transcribed automatically. "}
          An AI model <strong>suggests</strong> scores against the company’s written rubric, with the reasons it
          found. <strong>People decide</strong>: a reviewer from the company {video ? "watches or reads" : "reads"}{" "}
          your answers and sets every score. The AI never accepts or rejects anyone.
        </p>
        {view.english_threshold && video && (
          <p>
            <strong>Your spoken English is assessed too.</strong> Answer in English: the reviewers see an estimate of your
            English level (the role asks for {view.english_threshold} on the CEFR scale).
          </p>
        )}
        <p>
          If your answer is a clear example of a level on the rubric, the company may keep it (without your name) as an{" "}
          <strong>example answer</strong> that helps score other candidates’ answers.
        </p>
      </section>

      <form class="card consent" onSubmit={start}>
        <div class="check">
          <input id="consent" type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.currentTarget.checked)} />
          <label for="consent">
            I agree to be recorded as described above, and to my answers being reviewed by people at{" "}
            {view.organization.organization_name} with AI-suggested scores
            {view.english_threshold && video ? ", my English being assessed," : ""} and to an answer possibly becoming
            an example answer.
          </label>
        </div>
        {error && <Alert>{error}</Alert>}
        <button type="submit" class="btn btn-primary btn-large" disabled={busy}>
          {busy ? "Starting…" : "Start"}
        </button>
      </form>
    </main>
  );
}
