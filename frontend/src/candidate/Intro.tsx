/** Before starting: what the interview is, what is recorded, how AI helps reviewers, and consent. */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { currentLanguage, useT } from "../i18n";
import { formatDate } from "../i18n/format";
import { candidateError } from "../i18n/problems";
import { Rich } from "../i18n/rich";
import { Alert, PageHeading } from "../ui/components";

export function Intro(props: { token: string; view: Schemas["CandidateView"]; onStarted: (v: Schemas["CandidateView"]) => void }) {
  const { view } = props;
  const { t } = useT();
  const [agreed, setAgreed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const practice = view.questions.filter((q) => q.is_practice).length;
  const video = view.questions.some((q) => q.kind === "video");
  const written = view.questions.some((q) => q.kind === "written");
  const terms = view.consent_terms;
  const organization = view.organization.organization_name;

  async function start(event: Event) {
    event.preventDefault();
    if (!agreed) {
      setError(t("intro.tickFirst"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await call(
        api.POST("/api/candidate/{token}/consent", {
          params: { path: { token: props.token } },
          body: { accept: true, consent_version: view.consent_version, language: currentLanguage() },
        }),
      );
      props.onStarted(next);
    } catch (err) {
      setError(candidateError(err));
      setBusy(false);
    }
  }

  return (
    <main class="candidate-page narrow">
      <p class="eyebrow">{view.role}</p>
      <PageHeading title={view.assessment_title}>{view.assessment_title}</PageHeading>
      <p class="lead">{t("intro.hello", { name: view.candidate_name, organization })}</p>
      {view.organization.welcome_text && <p class="intro-text welcome-text">{view.organization.welcome_text}</p>}
      {view.organization.welcome_video_version != null && (
        <div class="welcome-video">
          <video
            src={`/api/candidate/${props.token}/welcome-video?v=${view.organization.welcome_video_version}`}
            controls
            playsInline
            preload="metadata"
            aria-label={t("intro.welcomeVideo", { organization })}
          />
        </div>
      )}

      <ul class="facts" aria-label={t("intro.about")}>
        <li>
          <strong>{t("intro.minutes", { count: view.estimated_minutes })}</strong>
          <span>{t("intro.minutesNote")}</span>
        </li>
        <li>
          <strong>{t("intro.questions", { count: view.scored_question_count })}</strong>
          <span>{practice ? t("intro.practice", { count: practice }) : t("intro.allScored")}</span>
        </li>
        <li>
          <strong>{t("intro.openUntil", { date: formatDate(view.expires_at) })}</strong>
          <span>{t("intro.openUntilNote")}</span>
        </li>
      </ul>

      {view.intro && <p class="intro-text">{view.intro}</p>}
      <p class="answer-language">{t("common.answerInEnglish")}</p>

      <section class="card" aria-labelledby="rec-h">
        <h2 id="rec-h">{t("intro.recordHeading")}</h2>
        <ul class="bullets">
          {video && (
            <li>
              <Rich text={t("intro.recordVideo")} />
            </li>
          )}
          {written && <li>{t("intro.recordWritten")}</li>}
          <li>{t("intro.recordTimes")}</li>
        </ul>
      </section>

      <section class="card" aria-labelledby="ai-h">
        <h2 id="ai-h">{t("intro.aiHeading")}</h2>
        <p>
          {video && <>{t("intro.aiTranscribed")} </>}
          <Rich text={video ? t("intro.aiSuggestsVideo") : t("intro.aiSuggests")} />
        </p>
        {terms.english_assessed && view.english_threshold && (
          <p class="consent-english">
            <Rich text={t("intro.englishAssessed", { level: view.english_threshold })} />
          </p>
        )}
        {terms.example_answers && (
          <p class="consent-examples">
            <Rich text={t("intro.exampleAnswers")} />
          </p>
        )}
      </section>

      <form class="card consent" onSubmit={start}>
        <div class="check">
          <input id="consent" type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.currentTarget.checked)} />
          <label for="consent">
            {t("intro.agree", { organization })}
            {terms.english_assessed && <> {t("intro.agreeEnglish")}</>}
            {terms.example_answers && <> {t("intro.agreeExamples")}</>}
          </label>
        </div>
        {error && <Alert>{error}</Alert>}
        <button type="submit" class="btn btn-primary btn-large" disabled={busy}>
          {busy ? t("common.starting") : t("intro.start")}
        </button>
      </form>
    </main>
  );
}
