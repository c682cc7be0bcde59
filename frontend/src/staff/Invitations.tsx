/** Invite candidates, show the new link once, list and revoke invitations. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, call, errorMessage, type Schemas } from "../api/client";
import { Alert, Link, Loading, formatDate } from "../ui/components";

type Invitation = Schemas["InvitationOut"];
type Created = Schemas["InvitationCreated"];

const REVOCABLE = new Set(["invited", "started"]);

export function Invitations(props: { assessmentId: string }) {
  const [items, setItems] = useState<Invitation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const path = { params: { path: { assessment_id: props.assessmentId } } };

  async function reload() {
    try {
      setItems(await call(api.GET("/api/assessments/{assessment_id}/invitations", path)));
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  useEffect(() => void reload(), [props.assessmentId]);

  async function revoke(inv: Invitation) {
    setError(null);
    try {
      await call(api.POST("/api/invitations/{invitation_id}/revoke", { params: { path: { invitation_id: inv.id } } }));
      setConfirming(null);
      setNotice(`The link for ${inv.candidate_name} no longer works.`);
      await reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <section aria-labelledby="inv-h" class="section">
      <h2 id="inv-h">Invitations</h2>
      <InviteForm
        assessmentId={props.assessmentId}
        onCreated={(c) => {
          setCreated(c);
          setNotice(null);
          void reload();
        }}
      />
      {created && <NewLink created={created} onDismiss={() => setCreated(null)} />}
      {notice && <Alert kind="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {!items && !error && <Loading label="Loading invitations…" />}
      {items && items.length === 0 && <p class="muted">No one has been invited yet.</p>}
      {items && items.length > 0 && (
        <div class="table-wrap" role="region" aria-labelledby="inv-h" tabIndex={0}>
          <table class="table">
            <caption class="sr-only">Invitations for this assessment</caption>
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col">Status</th>
                <th scope="col">Extra time</th>
                <th scope="col">Expires</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((inv) => (
                <tr key={inv.id}>
                  <td>
                    <div class="cand-name">{inv.candidate_name}</div>
                    <div class="muted small">{inv.candidate_email}</div>
                  </td>
                  <td><span class={`badge badge-${inv.status}`}>{inv.status}</span></td>
                  <td>{inv.accommodations.extra_time_pct ? `+${inv.accommodations.extra_time_pct}%` : "—"}</td>
                  <td>{formatDate(inv.expires_at)}</td>
                  <td class="actions">
                    {inv.status !== "invited" && (
                      <Link href={`/app/reports/${inv.id}`} class="btn btn-small">
                        Report<span class="sr-only"> for {inv.candidate_name}</span>
                      </Link>
                    )}{" "}
                    {REVOCABLE.has(inv.status) &&
                      (confirming === inv.id ? (
                        <ConfirmRevoke
                          name={inv.candidate_name}
                          onConfirm={() => revoke(inv)}
                          onCancel={() => setConfirming(null)}
                        />
                      ) : (
                        <button
                          type="button"
                          class="btn btn-small"
                          aria-label={`Revoke invitation for ${inv.candidate_name}`}
                          onClick={() => setConfirming(inv.id)}
                        >
                          Revoke
                        </button>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function InviteForm(props: { assessmentId: string; onCreated: (c: Created) => void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [extra, setExtra] = useState("0");
  const [days, setDays] = useState("14");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await call(
        api.POST("/api/assessments/{assessment_id}/invitations", {
          params: { path: { assessment_id: props.assessmentId } },
          body: {
            candidate_name: name.trim(),
            candidate_email: email.trim(),
            expires_in_days: days ? Number(days) : null,
            accommodations: { extra_time_pct: Number(extra) || 0 },
          },
        }),
      );
      setName("");
      setEmail("");
      setExtra("0");
      props.onCreated(created);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card invite-form" onSubmit={submit} aria-labelledby="invite-h">
      <h3 id="invite-h">Invite a candidate</h3>
      <div class="form-grid">
        <div class="field">
          <label for="cand-name">Name</label>
          <input id="cand-name" required maxLength={200} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="cand-email">Email</label>
          <input id="cand-email" type="email" required maxLength={320} autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <div class="field field-narrow">
          <label for="cand-extra">Extra time %</label>
          <input id="cand-extra" type="number" inputMode="numeric" min={0} max={200} step={5} aria-describedby="cand-extra-help" value={extra} onInput={(e) => setExtra(e.currentTarget.value)} />
          <span id="cand-extra-help" class="help">For accommodations, e.g. 50</span>
        </div>
        <div class="field field-narrow">
          <label for="cand-days">Link valid (days)</label>
          <input id="cand-days" type="number" inputMode="numeric" min={1} max={90} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
        </div>
      </div>
      {error && <Alert>{error}</Alert>}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? "Inviting…" : "Create invitation link"}
      </button>
    </form>
  );
}

function NewLink(props: { created: Created; onDismiss: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), [props.created.id]);

  async function copy() {
    const link = props.created.link;
    try {
      await navigator.clipboard.writeText(link);
      setCopied("Link copied to the clipboard.");
    } catch {
      input.current?.select();
      setCopied("Press Ctrl+C (or ⌘C) to copy the selected link.");
    }
  }

  return (
    <section class="card new-link" ref={panel} tabIndex={-1} aria-labelledby="new-link-h">
      <h3 id="new-link-h">Invitation link for {props.created.candidate_name}</h3>
      <p class="warn-text">
        This link is shown <strong>only once</strong>. Copy it now and send it to the candidate.
      </p>
      <div class="copy-row">
        <label for="new-link" class="sr-only">Invitation link</label>
        <input id="new-link" ref={input} readOnly value={props.created.link} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="btn btn-primary" onClick={copy}>
          Copy
        </button>
      </div>
      <p class="small copy-status" role="status">{copied ?? ""}</p>
      <button type="button" class="btn btn-small" onClick={props.onDismiss}>
        Done, hide the link
      </button>
    </section>
  );
}

/** Inline confirmation; focus starts on Cancel so a stray Enter does no harm. */
function ConfirmRevoke(props: { name: string; onConfirm: () => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <span class="confirm" role="group" aria-label={`Confirm revoking the link for ${props.name}`}>
      <span class="small">Revoke this link?</span>
      <button type="button" class="btn btn-danger btn-small" onClick={props.onConfirm}>
        Yes, revoke
      </button>
      <button type="button" ref={cancel} class="btn btn-small" onClick={props.onCancel}>
        Cancel
      </button>
    </span>
  );
}
