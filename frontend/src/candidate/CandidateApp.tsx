/**
 * The candidate's journey through one invitation link: intro → (device check before the next
 * video answer) → for each question a pause where the candidate chooses when to begin, then the
 * question on the server's clocks → finish. A reload resumes where the server says they are.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, api, call, type Schemas } from "../api/client";
import { formatDate, formatDuration, formatNumber } from "../i18n/format";
import { t, useDocumentLanguage, useOrganizationLanguage, useT } from "../i18n";
import { candidateError } from "../i18n/problems";
import { Camera } from "../media/camera";
import { Alert, Loading, PageHeading } from "../ui/components";
import { serverClock, type ServerClock } from "./clock";
import { BrandFrame } from "./BrandFrame";
import { AfterInterview } from "./Demographics";
import { DeviceCheck } from "./DeviceCheck";
import { Intro } from "./Intro";
import { LinkProblem } from "./LinkProblem";
import { keepOnly, savedUpload } from "./savedUploads";
import { recentDeviceCheck, rememberDeviceCheck } from "./storage";
import { VideoQuestion } from "./VideoQuestion";
import { WrittenQuestion } from "./WrittenQuestion";

type View = Schemas["CandidateView"];
type Question = Schemas["CandidateQuestion"];

/** "Practice question" or "Question 2 of 7": scored questions numbered as staff number them. */
export function questionTitle(q: Question, view: View): string {
  return q.number ? t("question.title", { number: q.number, total: view.scored_question_count }) : t("question.practiceTitle");
}

function hasProgress(v: View): boolean {
  return v.consented && v.questions.some((q) => q.answered || q.time_up || q.think_started_at);
}

export function CandidateApp(props: { token: string }) {
  const { token } = props;
  const [view, setView] = useState<View | null>(null);
  const [problem, setProblem] = useState<{ status: number; error: unknown } | null>(null);
  const [checkedDevices, setCheckedDevices] = useState(false);
  const [resumed, setResumed] = useState<boolean | null>(null); // came back to an interview in progress
  const [notice, setNotice] = useState<string | null>(null);
  const camera = useRef(new Camera());
  const clock = useMemo<ServerClock>(() => (view ? serverClock(view.server_now) : { offsetMs: 0 }), [view?.server_now]);

  async function load() {
    try {
      const v = await call(api.GET("/api/candidate/{token}", { params: { path: { token } } }));
      setView(v);
      setResumed((r) => (r === null ? hasProgress(v) : r));
      // Recordings kept in this browser for questions already answered can never be sent.
      void keepOnly(token, v.status === "completed" ? [] : v.questions.filter((q) => !q.answered).map((q) => q.id));
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      if (status === 404 || status === 410) void keepOnly(token, []); // link expired or withdrawn
      setProblem({ status, error: err });
    }
  }
  useEffect(() => {
    void load();
    return () => camera.current.stop();
  }, [token]);
  useOrganizationLanguage(view?.organization.default_language);
  useDocumentLanguage();
  useT(); // every screen below re-renders in a newly chosen language

  if (problem) return <LinkProblem status={problem.status} detail={candidateError(problem.error)} />;
  if (!view) return <main class="candidate-page"><Loading label={t("common.loading")} /></main>;
  return (
    <BrandFrame token={token} brand={view.organization}>
      {screen(view)}
    </BrandFrame>
  );

  function screen(view: View) {
    if (view.status === "completed") {
      return (
        <AfterInterview token={token}>
          <Finished view={view} />
        </AfterInterview>
      );
    }
    if (!view.consented) return <Intro token={token} view={view} onStarted={setView} />;

    const next = view.questions.find((q) => q.id === view.next_question_id) ?? null;
    if (!next) return <ReadyToFinish token={token} view={view} notice={notice} onDone={setView} onStale={load} />;
    // The device check comes only before a video answer, never into a clock already running.
    if (next.kind === "video" && !next.think_started_at && !checkedDevices) {
      return (
        <DeviceCheck
          token={token}
          camera={camera.current}
          passedAt={recentDeviceCheck()}
          onContinue={(passed) => {
            if (passed) rememberDeviceCheck();
            setCheckedDevices(true);
          }}
        />
      );
    }
    if (!next.think_started_at) {
      return (
        <QuestionStart
          token={token}
          view={view}
          question={next}
          resumed={resumed === true}
          notice={notice}
          onBegun={(v) => {
            setResumed(false);
            setNotice(null);
            setView(v);
          }}
          onStale={load}
        />
      );
    }
    return (
      <QuestionPage
        key={next.id}
        token={token}
        view={view}
        question={next}
        camera={camera.current}
        clock={clock}
        resumed={resumed === true}
        onAnswered={(message) => {
          setResumed(false);
          setNotice(message ?? null);
          void load();
        }}
      />
    );
  }
}

function ProgressHeader(props: { view: View; question: Question }) {
  const { view, question } = props;
  const index = view.questions.findIndex((q) => q.id === question.id);
  return (
    <header class="progress-bar" aria-label={t("question.progress")}>
      <div class="progress-inner">
        <span class="progress-title">{view.assessment_title}</span>
        <span class="progress-count">
          {questionTitle(question, view)}
          {question.is_practice && <span class="badge badge-practice">{t("question.practiceBadge")}</span>}
        </span>
      </div>
      <div class="progress" aria-hidden="true">
        <span style={{ width: `${(Math.max(0, index) / view.questions.length) * 100}%` }} />
      </div>
    </header>
  );
}

/** The pause before a question: nothing is timed until the candidate presses Start. */
function QuestionStart(props: {
  token: string;
  view: View;
  question: Question;
  resumed: boolean;
  notice: string | null;
  onBegun: (v: View) => void;
  onStale: () => void;
}) {
  const { view, question } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const startButton = useRef<HTMLButtonElement>(null);
  // After an answer is accepted (or the device check), focus goes to the next step's button.
  useEffect(() => startButton.current?.focus({ preventScroll: true }), [question.id]);
  const title = questionTitle(question, view);
  const anyDone = view.questions.some((q) => q.answered || q.time_up);
  const heading = props.resumed
    ? t("question.welcomeBackName", { name: view.candidate_name })
    : anyDone
      ? t("question.answerSaved")
      : t("question.ready");

  async function begin() {
    setBusy(true);
    setError(null);
    try {
      props.onBegun(
        await call(
          api.POST("/api/candidate/{token}/questions/{question_id}/begin", {
            params: { path: { token: props.token, question_id: question.id } },
          }),
        ),
      );
    } catch (err) {
      setError(candidateError(err));
      setBusy(false);
      if (err instanceof ApiError && err.status === 409) props.onStale();
    }
  }

  return (
    <>
      <ProgressHeader view={view} question={question} />
      <main class="candidate-page">
        <div class="question-start">
          <PageHeading title={props.resumed ? t("question.welcomeBack") : title}>{heading}</PageHeading>
          {props.resumed && (
            <p class="lead">
              {question.number
                ? t("question.resumedOn", { number: question.number, total: view.scored_question_count })
                : t("question.resumedOnPractice")}
            </p>
          )}
          {props.notice && <Alert kind="info">{props.notice}</Alert>}
          <section class="card" aria-labelledby="next-h">
            <h2 id="next-h">{t("question.next", { title })}</h2>
            <ul class="facts-inline">
              {question.kind === "video" ? (
                <>
                  <li>{t("question.videoAnswer")}</li>
                  {question.think_time_s > 0 && (
                    <li>{t("question.thinkTime", { duration: formatDuration(question.think_time_s) })}</li>
                  )}
                  <li>{t("question.answerTime", { duration: formatDuration(question.max_answer_s) })}</li>
                  <li>{t("question.takes", { count: 1 + question.retakes_allowed })}</li>
                </>
              ) : (
                <>
                  <li>{t("question.writtenAnswer")}</li>
                  <li>
                    {t("question.writtenTime", { duration: formatDuration(question.think_time_s + question.max_answer_s) })}
                  </li>
                  <li>{t("question.maxChars", { count: question.max_chars, formatted: formatNumber(question.max_chars) })}</li>
                </>
              )}
            </ul>
            <p class="small muted answer-language">{t("common.answerInEnglish")}</p>
            <p class="small muted">{t("question.startNote", { date: formatDate(view.expires_at) })}</p>
            {error && <Alert>{error}</Alert>}
            <button ref={startButton} type="button" class="btn btn-primary btn-large" disabled={busy} onClick={begin}>
              {busy
                ? t("common.starting")
                : question.number
                  ? t("question.start", { number: question.number })
                  : t("question.startPractice")}
            </button>
          </section>
        </div>
      </main>
    </>
  );
}

function QuestionPage(props: {
  token: string;
  view: View;
  question: Question;
  camera: Camera;
  clock: ServerClock;
  resumed: boolean;
  onAnswered: (notice?: string) => void;
}) {
  const { view, question } = props;
  const label = questionTitle(question, view);
  // Back to a recorded answer still being sent: the question's clock no longer matters.
  const mayHaveKept = props.resumed && question.kind === "video" && !!question.answer_started_at;
  const [kept, setKept] = useState<boolean | null>(mayHaveKept ? null : false);
  useEffect(() => {
    if (mayHaveKept) void savedUpload(props.token, question.id).then((s) => setKept(s !== null));
  }, [question.id]);
  return (
    <>
      <ProgressHeader view={view} question={question} />
      <main class="candidate-page">
        {props.resumed && kept === false && (
          <Alert kind="info">
            {question.number
              ? t("question.resumedRunning", { number: question.number, total: view.scored_question_count })
              : t("question.resumedRunningPractice")}
          </Alert>
        )}
        <p class="eyebrow">
          <span class="sr-only">{label}: </span>
          {question.kind === "video" ? t("question.videoAnswer") : t("question.writtenAnswer")}
          {question.is_practice && t("question.practiceNote")}
        </p>
        <PageHeading title={label} class="prompt">
          {question.prompt ?? ""}
        </PageHeading>

        {question.kind === "video" ? (
          <VideoQuestion
            token={props.token}
            question={question}
            camera={props.camera}
            clock={props.clock}
            onAnswered={() => props.onAnswered()}
          />
        ) : (
          <WrittenQuestion token={props.token} question={question} clock={props.clock} onAnswered={props.onAnswered} />
        )}
      </main>
    </>
  );
}

function ReadyToFinish(props: {
  token: string;
  view: View;
  notice: string | null;
  onDone: (v: View) => void;
  onStale: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = useRef<HTMLButtonElement>(null);
  useEffect(() => submit.current?.focus({ preventScroll: true }), []);

  async function finish() {
    setBusy(true);
    setError(null);
    try {
      props.onDone(await call(api.POST("/api/candidate/{token}/complete", { params: { path: { token: props.token } } })));
    } catch (err) {
      setError(candidateError(err));
      setBusy(false);
      if (err instanceof ApiError && err.status === 409) props.onStale();
    }
  }

  return (
    <main class="candidate-page narrow">
      <div class="card center-card">
        <PageHeading title={t("finish.title")}>{t("finish.heading")}</PageHeading>
        <p class="lead">
          {t("finish.lead", {
            answered: formatNumber(props.view.answered_count),
            total: formatNumber(props.view.scored_question_count),
          })}
        </p>
        {props.notice && <Alert kind="info">{props.notice}</Alert>}
        {error && <Alert>{error}</Alert>}
        <button ref={submit} type="button" class="btn btn-primary btn-large" disabled={busy} onClick={finish}>
          {busy ? t("common.submitting") : t("finish.submit")}
        </button>
      </div>
    </main>
  );
}

function Finished(props: { view: View }) {
  return (
    <main class="candidate-page narrow">
      <div class="card center-card">
        <PageHeading title={t("done.title")}>{t("done.heading", { name: props.view.candidate_name })}</PageHeading>
        <p class="lead">{t("done.lead", { assessment: props.view.assessment_title })}</p>
        <p>{t("done.body")}</p>
      </div>
    </main>
  );
}
