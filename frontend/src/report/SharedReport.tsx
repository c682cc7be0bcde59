/** The public, read-only page behind a share link: no sign-in, no staff chrome. A link made with
 * the answers' media adds each answer's video (signed URLs that expire: a failed video reloads
 * the report once for fresh ones), written text and transcript. */
import { useRef } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { Alert, Loading, PageHeading, formatDateTime } from "../ui/components";
import { ReportView } from "./ReportView";
import { useApi } from "../ui/useApi";

type Answer = Schemas["SharedAnswer"];

function formatSeconds(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}

function SharedAnswerCard(props: { a: Answer; onExpired: () => void }) {
  const { a } = props;
  const video = useRef<HTMLVideoElement>(null);
  function seek(t: number) {
    const v = video.current;
    if (!v) return;
    v.currentTime = t;
    void v.play().catch(() => undefined);
  }
  return (
    <li class="card shared-answer" id={`answer-q${a.number}`}>
      <h3 class="shared-answer-h"><span class="q-num">Q{a.number}</span> {a.prompt}</h3>
      {a.video_url ? (
        <video
          ref={video}
          class="answer-video"
          controls
          preload="metadata"
          src={a.video_url}
          poster={a.poster_url ?? undefined}
          aria-label={`Video answer to Q${a.number}`}
          onError={props.onExpired}
        />
      ) : a.kind === "video" ? (
        <p class="muted">No video for this answer.</p>
      ) : null}
      {a.text && (
        <>
          <h4 class="shared-answer-sub">{a.kind === "written" ? "Written answer" : "Notes"}</h4>
          <p class="written-answer">{a.text}</p>
        </>
      )}
      {a.kind === "video" && (
        <>
          <h4 class="shared-answer-sub">Transcript</h4>
          {a.transcript === null || a.transcript === undefined ? (
            <p class="muted small">No transcript yet.</p>
          ) : a.segments.length > 0 && a.video_url ? (
            <p class="transcript-text">
              {a.segments.map((s, i) => (
                <button key={i} type="button" class="seg-link" onClick={() => seek(s.start)} title={`Play from ${formatSeconds(s.start)}`}>
                  <span class="sr-only">At {formatSeconds(s.start)}: </span>{s.text.trim()}{" "}
                </button>
              ))}
            </p>
          ) : (
            <p class="transcript-text">{a.transcript || "(no speech heard)"}</p>
          )}
        </>
      )}
    </li>
  );
}

export function SharedReport(props: { token: string }) {
  // 404 (unknown link) and 410 (revoked or expired) carry a message written for the reader.
  const { data: report, error, reload } = useApi<Schemas["InvitationReport"]>(
    () => call(api.GET("/api/share/{token}", { params: { path: { token: props.token } } })),
    [props.token],
  );
  // Media URLs expire (minutes): the first failed video fetches the report again for fresh ones.
  const refreshed = useRef(false);
  function onExpired() {
    if (refreshed.current) return;
    refreshed.current = true;
    reload();
  }
  const answers = report?.answers ?? [];
  const expires = answers.find((a) => a.media_expires_at)?.media_expires_at;
  return (
    <>
      <header class="topbar">
        <div class="topbar-inner">
          <span class="brand-link">Viva</span>
          <span class="small muted">Shared report · read-only</span>
        </div>
      </header>
      <main id="main" class="page">
        {error ? (
          <>
            <PageHeading title="Shared report">Shared report</PageHeading>
            <Alert>{error}</Alert>
          </>
        ) : !report ? (
          <Loading label="Loading the report…" />
        ) : (
          <>
            <ReportView
              report={report}
              shared
              actions={<button type="button" class="btn" onClick={() => window.print()}>Print</button>}
            />
            {report.media_included && (
              <section class="section shared-answers" aria-labelledby="answers-h">
                <h2 id="answers-h">Answers</h2>
                <p class="small muted no-print">
                  The candidate's recorded answers, shared with this link.
                  {expires && <> Video links renew when you reload this page (these work until {formatDateTime(expires)}).</>}
                </p>
                {answers.length === 0 ? (
                  <p class="muted">No answers yet.</p>
                ) : (
                  <ol class="shared-answer-list">
                    {answers.map((a) => <SharedAnswerCard key={a.question_id} a={a} onExpired={onExpired} />)}
                  </ol>
                )}
              </section>
            )}
          </>
        )}
      </main>
    </>
  );
}
