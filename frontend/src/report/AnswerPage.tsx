/** Watch one answer (video or written text, and its transcript): the hiring manager's view,
 * without scoring controls. With blind review on, the AI suggestion is not shown here. */
import { api, call, type Schemas } from "../api/client";
import { Alert, Link, Loading, PageHeading } from "../ui/components";
import { useApi } from "../ui/useApi";

export function AnswerPage(props: { id: string; back: string | null }) {
  const { data: r, error } = useApi<Schemas["ResponseOut"]>(
    () => call(api.GET("/api/responses/{response_id}", { params: { path: { response_id: props.id } } })),
    [props.id],
  );
  const back = props.back && props.back.startsWith("/app/") ? props.back : "/app";
  if (error) return <><nav class="crumbs"><Link href={back}>Back to the report</Link></nav><Alert>{error}</Alert></>;
  if (!r) return <Loading label="Loading the answer…" />;
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb"><Link href={back}>Back to the report</Link></nav>
      <PageHeading title="Answer">Answer</PageHeading>
      {r.video_url ? (
        <video class="answer-video" controls preload="metadata" src={r.video_url} poster={r.poster_url ?? undefined} />
      ) : (
        <p class="muted">No video for this answer.</p>
      )}
      {r.text && <section class="section"><h2>Written answer</h2><p class="written-answer">{r.text}</p></section>}
      <section class="section" aria-labelledby="tr-h">
        <h2 id="tr-h">Transcript</h2>
        {r.transcript ? <p class="transcript-text">{r.transcript.text || "(no speech heard)"}</p> : <p class="muted">No transcript yet.</p>}
      </section>
    </>
  );
}
