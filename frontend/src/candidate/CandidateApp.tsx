/** The candidate's journey through one invitation link: intro → device check → questions → finish. */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, call, errorMessage, type Schemas } from "../api/client";
import { Camera } from "../media/camera";
import { Alert, Loading, PageHeading } from "../ui/components";
import { DeviceCheck } from "./DeviceCheck";
import { Intro } from "./Intro";
import { LinkProblem } from "./LinkProblem";
import { VideoQuestion } from "./VideoQuestion";
import { WrittenQuestion } from "./WrittenQuestion";

type View = Schemas["CandidateView"];

export function CandidateApp(props: { token: string }) {
  const { token } = props;
  const [view, setView] = useState<View | null>(null);
  const [problem, setProblem] = useState<{ status: number; detail: string } | null>(null);
  const [checkedDevices, setCheckedDevices] = useState(false);
  const camera = useRef(new Camera());

  async function load() {
    try {
      setView(await call(api.GET("/api/candidate/{token}", { params: { path: { token } } })));
    } catch (err) {
      setProblem({ status: err instanceof ApiError ? err.status : 0, detail: errorMessage(err) });
    }
  }
  useEffect(() => {
    void load();
    return () => camera.current.stop();
  }, [token]);

  if (problem) return <LinkProblem status={problem.status} detail={problem.detail} />;
  if (!view) return <main class="candidate-page"><Loading /></main>;
  if (view.status === "completed") return <Finished view={view} />;
  if (!view.consented) return <Intro token={token} view={view} onStarted={setView} />;

  const next = view.questions.find((q) => q.id === view.next_question_id) ?? null;
  const videoLeft = view.questions.some((q) => q.kind === "video" && !q.answered);
  if (next && videoLeft && !checkedDevices) {
    return <DeviceCheck token={token} camera={camera.current} onContinue={() => setCheckedDevices(true)} />;
  }
  if (!next) return <ReadyToFinish token={token} view={view} onDone={setView} onStale={load} />;
  return (
    <QuestionPage key={next.id} token={token} view={view} question={next} camera={camera.current} onAnswered={load} />
  );
}

function QuestionPage(props: {
  token: string;
  view: View;
  question: Schemas["CandidateQuestion"];
  camera: Camera;
  onAnswered: () => void;
}) {
  const { view, question } = props;
  const total = view.questions.length;
  const label = `Question ${question.number} of ${total}`;
  return (
    <>
      <header class="progress-bar" aria-label="Progress">
        <div class="progress-inner">
          <span class="progress-title">{view.assessment_title}</span>
          <span class="progress-count">
            {label}
            {question.is_practice && <span class="badge badge-practice">Practice · not scored</span>}
          </span>
        </div>
        <div class="progress" aria-hidden="true">
          <span style={{ width: `${((question.number - 1) / total) * 100}%` }} />
        </div>
      </header>
      <main class="candidate-page">
        <p class="eyebrow">
          <span class="sr-only">{label}: </span>
          {question.kind === "video" ? "Video answer" : "Written answer"}
          {question.kind === "written" && ` · about ${Math.round(question.max_answer_s / 60)} min`}
          {question.is_practice && " · practice, not scored"}
        </p>
        <PageHeading title={label} class="prompt">
          {question.prompt ?? ""}
        </PageHeading>

        {question.kind === "video" ? (
          <VideoQuestion token={props.token} question={question} camera={props.camera} onAnswered={props.onAnswered} />
        ) : (
          <WrittenQuestion token={props.token} question={question} onAnswered={props.onAnswered} />
        )}
      </main>
    </>
  );
}

function ReadyToFinish(props: { token: string; view: View; onDone: (v: View) => void; onStale: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function finish() {
    setBusy(true);
    setError(null);
    try {
      props.onDone(await call(api.POST("/api/candidate/{token}/complete", { params: { path: { token: props.token } } })));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
      if (err instanceof ApiError && err.status === 409) props.onStale();
    }
  }

  return (
    <main class="candidate-page narrow">
      <div class="card center-card">
        <PageHeading title="All questions answered">You have answered every question</PageHeading>
        <p class="lead">
          {props.view.answered_count} of {props.view.scored_question_count} scored answers are saved. Submit your
          interview to let the company know you are done.
        </p>
        {error && <Alert>{error}</Alert>}
        <button type="button" class="btn btn-primary btn-large" disabled={busy} onClick={finish}>
          {busy ? "Submitting…" : "Submit my interview"}
        </button>
      </div>
    </main>
  );
}

function Finished(props: { view: View }) {
  return (
    <main class="candidate-page narrow">
      <div class="card center-card">
        <PageHeading title="Interview submitted">Thank you, {props.view.candidate_name}</PageHeading>
        <p class="lead">Your interview for {props.view.assessment_title} has been submitted.</p>
        <p>
          A person at the company will review your answers; AI only suggests scores to help them. You can close this
          page now.
        </p>
      </div>
    </main>
  );
}
