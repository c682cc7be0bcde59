/** Outgoing webhooks: subscribe a URL (its signing secret shown once), see recent deliveries
 * with their status and attempts, delete. */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { Alert, Loading, formatDateTime } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";
import { SecretOnce } from "./SecretOnce";

type Hook = Schemas["WebhookOut"];
type Delivery = Schemas["DeliveryOut"];
type HookEvent = Schemas["WebhookCreate"]["events"][number];

const EVENTS: ReadonlyArray<readonly [HookEvent, string]> = [
  ["invitation.completed", "A candidate completed an assessment"],
  ["response.scored", "An answer was scored (or the AI abstained)"],
  ["review.completed", "An answer's review is complete"],
  ["candidate.completed", "A candidate reached the stage completed"],
  ["candidate.reviewed", "Every answer of a completed candidate is reviewed"],
  ["candidate.decided", "A candidate was advanced, put on hold or rejected (or the decision cleared)"],
];

function Deliveries(props: { hook: Hook }) {
  const { data: rows, error, reload } = useApi<Delivery[]>(
    () => call(api.GET("/api/webhooks/{webhook_id}/deliveries", { params: { path: { webhook_id: props.hook.id }, query: { limit: 20 } } })),
    [props.hook.id],
  );
  if (error) return <Alert>{error}</Alert>;
  if (!rows) return <Loading label="Loading deliveries…" />;
  return (
    <div class="deliveries">
      <div class="section-head">
        <h4>Recent deliveries</h4>
        <button type="button" class="btn btn-small btn-quiet" onClick={reload}>Refresh</button>
      </div>
      {rows.length === 0 ? (
        <p class="small muted">Nothing sent yet. Deliveries appear when a subscribed event happens.</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={`Deliveries to ${props.hook.url}`} tabIndex={0}>
          <table class="table deliveries-table">
            <caption class="sr-only">Recent deliveries to {props.hook.url}</caption>
            <thead>
              <tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last result</th><th scope="col">Created</th></tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td><code>{d.event}</code></td>
                  <td><span class={`badge badge-dl-${d.status}`}>{d.status}</span></td>
                  <td>{d.attempts}</td>
                  <td class="small">
                    {d.last_error ?? (d.last_status_code ? `HTTP ${d.last_status_code}` : "—")}
                    {d.status === "pending" && d.next_attempt_at && <div class="muted">next try {formatDateTime(d.next_attempt_at)}</div>}
                  </td>
                  <td class="small">{formatDateTime(d.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function WebhooksSection() {
  const { data: hooks, error: loadError, reload } = useApi(() => call(api.GET("/api/webhooks")), []);
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<Set<HookEvent>>(new Set(EVENTS.map(([e]) => e)));
  const [description, setDescription] = useState("");
  const [created, setCreated] = useState<Schemas["WebhookCreated"] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const change = useSubmit((request: () => Promise<void>) => request());
  const error = loadError ?? change.error;
  const busy = change.busy;

  const urlProblem = !/^https?:\/\/\S{3,}/.test(url.trim()) ? "Enter a URL starting with https:// (or http://)." : null;
  const eventsProblem = events.size === 0 ? "Choose at least one event." : null;

  function create(e: Event) {
    e.preventDefault();
    setTried(true);
    if (urlProblem || eventsProblem) return;
    void change.submit(async () => {
      const out = await call(api.POST("/api/webhooks", { body: { url: url.trim(), events: [...events], description: description.trim() } }));
      setCreated(out);
      setUrl("");
      setDescription("");
      setTried(false);
      reload();
    });
  }

  function remove(hook: Hook) {
    void change.submit(async () => {
      await call(api.DELETE("/api/webhooks/{webhook_id}", { params: { path: { webhook_id: hook.id } } }));
      setConfirming(null);
      if (created?.id === hook.id) setCreated(null);
      reload();
    });
  }

  function toggle(ev: HookEvent, on: boolean) {
    const next = new Set(events);
    if (on) next.add(ev);
    else next.delete(ev);
    setEvents(next);
  }

  return (
    <section class="card settings-card" aria-labelledby="hooks-h">
      <h2 id="hooks-h">Webhooks</h2>
      <p class="small muted">
        Viva POSTs a signed JSON body (ids only, no personal data) to your URL when an event happens, and retries failures
        with backoff. Check the <code>Viva-Signature</code> header with the signing secret.
      </p>
      {error && <Alert>{error}</Alert>}
      {created && (
        <SecretOnce id="hook-secret" label="Signing secret" value={created.secret} onDismiss={() => setCreated(null)}>
          <p class="small">For {created.url}</p>
        </SecretOnce>
      )}
      <form class="settings-form" onSubmit={create} noValidate aria-label="Add a webhook">
        <div class="field">
          <label for="hook-url">Endpoint URL</label>
          <input id="hook-url" type="url" placeholder="https://example.com/viva-hooks" value={url}
            aria-invalid={tried && !!urlProblem} aria-describedby="hook-url-err" onInput={(e) => setUrl(e.currentTarget.value)} />
          {tried && urlProblem && <span id="hook-url-err" class="text-error small">{urlProblem}</span>}
        </div>
        <fieldset class="field events-field">
          <legend class="field-label">Events</legend>
          {EVENTS.map(([ev, help]) => (
            <div class="check" key={ev}>
              <input id={`ev-${ev}`} type="checkbox" checked={events.has(ev)} onChange={(e) => toggle(ev, e.currentTarget.checked)} />
              <label for={`ev-${ev}`}><code>{ev}</code> <span class="muted small">{help}</span></label>
            </div>
          ))}
          {tried && eventsProblem && <span class="text-error small">{eventsProblem}</span>}
        </fieldset>
        <div class="field">
          <label for="hook-desc">Description <span class="muted small">(optional)</span></label>
          <input id="hook-desc" type="text" maxLength={200} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Adding…" : "Add webhook"}</button>
      </form>

      {!hooks ? (
        <Loading />
      ) : hooks.length === 0 ? (
        <p class="muted">No webhooks yet.</p>
      ) : (
        <ul class="hook-list">
          {hooks.map((h) => (
            <li key={h.id} class="hook">
              <div class="hook-head">
                <div class="hook-main">
                  <strong class="hook-url">{h.url}</strong>
                  {h.description && <div class="small muted">{h.description}</div>}
                  <div class="small">
                    {h.events.map((ev) => <code key={ev} class="event-tag">{ev}</code>)}
                  </div>
                  <div class="small muted">
                    Added {formatDateTime(h.created_at)} · {h.pending} pending · {h.failed} failed
                  </div>
                </div>
                <div class="hook-actions">
                  <button type="button" class="btn btn-small" aria-expanded={open === h.id}
                    onClick={() => setOpen(open === h.id ? null : h.id)}>
                    {open === h.id ? "Hide deliveries" : "Deliveries"}
                  </button>
                  {confirming === h.id ? (
                    <span class="confirm">
                      <span class="small">Delete it and its log?</span>
                      <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(h)}>Delete</button>
                      <button type="button" class="btn btn-small btn-quiet" onClick={() => setConfirming(null)}>Keep</button>
                    </span>
                  ) : (
                    <button type="button" class="btn btn-small" aria-label={`Delete the webhook ${h.url}`} onClick={() => setConfirming(h.id)}>Delete…</button>
                  )}
                </div>
              </div>
              {open === h.id && <Deliveries hook={h} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
