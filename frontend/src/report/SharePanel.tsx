/** Read-only share links for a report: create (URL shown once; the answers' video and transcript
 * included only when asked), copy, list, revoke. */
import { useRef, useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { Alert, formatDateTime } from "../ui/components";
import { useApi, useSubmit } from "../ui/useApi";

type Link_ = Schemas["ShareLinkOut"];

export function SharePanel(props: { invitationId: string }) {
  const path = { params: { path: { invitation_id: props.invitationId } } };
  const { data: links, error: loadError, reload } = useApi<Link_[]>(
    () => call(api.GET("/api/reports/invitations/{invitation_id}/share", path)),
    [props.invitationId],
  );
  const [hours, setHours] = useState("72");
  const [withMedia, setWithMedia] = useState(false);
  const [created, setCreated] = useState<{ url: string; expires: string; media: boolean } | null>(null);
  const [copied, setCopied] = useState("");
  const change = useSubmit((request: () => Promise<void>) => request());
  const error = loadError ?? change.error;
  const busy = change.busy;
  const input = useRef<HTMLInputElement>(null);

  function create(e: Event) {
    e.preventDefault();
    setCopied("");
    void change.submit(async () => {
      const out = await call(api.POST("/api/reports/invitations/{invitation_id}/share", { ...path, body: { expires_in_hours: Number(hours) || 72, include_media: withMedia } }));
      // The API's url is the JSON endpoint; people get the readable page for the same token.
      setCreated({ url: `${location.origin}/share/${encodeURIComponent(out.token)}`, expires: out.expires_at, media: out.include_media ?? false });
      reload();
    });
  }

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.url);
      setCopied("Link copied to the clipboard.");
    } catch {
      input.current?.select();
      setCopied("Press Ctrl+C (or ⌘C) to copy the selected link.");
    }
  }

  function revoke(link: Link_) {
    void change.submit(async () => {
      await call(api.DELETE("/api/reports/share-links/{link_id}", { params: { path: { link_id: link.id } } }));
      reload();
    });
  }

  return (
    <section class="card share no-print" aria-labelledby="share-h">
      <h2 id="share-h">Share a read-only link</h2>
      <p class="small muted">
        Anyone with the link sees the scores and reviewers' notes (never the candidate's email) until it expires or you revoke it.
        The answers' video and transcript are included only if you tick the box.
      </p>
      <form class="share-form" onSubmit={create}>
        <div class="field field-narrow">
          <label for="share-hours">Expires after (hours)</label>
          <input id="share-hours" type="number" min={1} max={720} value={hours} onInput={(e) => setHours(e.currentTarget.value)} />
        </div>
        <div class="check share-media-check">
          <input id="share-media" type="checkbox" checked={withMedia} onChange={(e) => setWithMedia(e.currentTarget.checked)} />
          <label for="share-media">Include the answers' video and transcript</label>
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Creating…" : "Create share link"}</button>
      </form>
      {error && <Alert>{error}</Alert>}
      {created && (
        <div class="new-link card">
          <p class="warn-text small">This link is shown <strong>only once</strong>. It expires {formatDateTime(created.expires)}.
            {created.media ? " It includes the answers' video and transcript." : " Scores and notes only: no video or transcript."}</p>
          <div class="copy-row">
            <label for="share-url" class="sr-only">Share link</label>
            <input id="share-url" ref={input} readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" class="btn btn-primary" onClick={copy}>Copy</button>
          </div>
          <p class="small copy-status" role="status">{copied}</p>
        </div>
      )}
      {links && links.length > 0 && (
        <table class="table share-table">
          <caption class="sr-only">Share links of this report</caption>
          <thead>
            <tr><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Includes</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {links.map((l) => (
              <tr key={l.id}>
                <td>{formatDateTime(l.created_at)}</td>
                <td>{formatDateTime(l.expires_at)}</td>
                <td>{l.include_media ? "Scores, notes, video and transcript" : "Scores and notes"}</td>
                <td><span class={`badge badge-share-${l.status}`}>{l.status}</span></td>
                <td class="actions">
                  {l.status === "active" && (
                    <button type="button" class="btn btn-small" onClick={() => revoke(l)} aria-label={`Revoke the link created ${formatDateTime(l.created_at)}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
