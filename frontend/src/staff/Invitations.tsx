/**
 * Invite candidates (one at a time or from a CSV file), show new links once, follow each
 * candidate's progress up to "reviewed", resend and revoke links.
 */
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, call, errorMessage, type Schemas } from "../api/client";
import { Alert, Link, Loading, formatDate, formatDateTime } from "../ui/components";
import { MeContext } from "./StaffShell";

type Progress = Schemas["InvitationProgress"];
type Invited = Schemas["InvitationInvited"];
type Resent = Schemas["InvitationResent"];
type Bulk = Schemas["BulkImported"];
type RowError = { row: number; column: string | null; message: string };

const REVOCABLE = new Set(["invited", "started"]);
const RESENDABLE = new Set(["invited", "started", "expired"]);
const STAGES = ["invited", "started", "completed", "reviewed", "expired", "revoked"] as const;
const EMAIL_LABEL: Record<Schemas["EmailState"]["status"], string> = {
  not_sent: "Not emailed",
  queued: "Sending…",
  sent: "Emailed",
  failed: "Failed",
};

export function Invitations(props: { assessmentId: string }) {
  const me = useContext(MeContext);
  const isAdmin = !me || me.role === "admin";
  const [items, setItems] = useState<Progress[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Invited | Resent | null>(null);
  const [confirming, setConfirming] = useState<{ id: string; action: "revoke" | "resend" } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [bulk, setBulk] = useState<Bulk | null>(null);
  const path = { params: { path: { assessment_id: props.assessmentId } } };

  async function reload() {
    try {
      setItems(await call(api.GET("/api/assessments/{assessment_id}/invitations/progress", path)));
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  useEffect(() => void reload(), [props.assessmentId]);

  async function revoke(inv: Progress) {
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

  async function resend(inv: Progress, days: number | null) {
    setError(null);
    try {
      const out = await call(
        api.POST("/api/invitations/{invitation_id}/resend", {
          params: { path: { invitation_id: inv.id } },
          body: { expires_in_days: days },
        }),
      );
      setConfirming(null);
      setNotice(null);
      setBulk(null);
      setCreated(out);
      await reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const counts = new Map<string, number>();
  for (const inv of items ?? []) counts.set(inv.progress, (counts.get(inv.progress) ?? 0) + 1);

  return (
    <section aria-labelledby="inv-h" class="section">
      <h2 id="inv-h">Invitations</h2>
      {isAdmin && (
        <div class="invite-forms">
          <InviteForm
            assessmentId={props.assessmentId}
            onCreated={(c) => {
              setCreated(c);
              setBulk(null);
              setNotice(null);
              void reload();
            }}
          />
          <CsvImport
            assessmentId={props.assessmentId}
            onImported={(b) => {
              setBulk(b);
              setCreated(null);
              setNotice(null);
              void reload();
            }}
          />
        </div>
      )}
      {created && <NewLink created={created} onDismiss={() => setCreated(null)} />}
      {bulk && <BulkLinks bulk={bulk} onDismiss={() => setBulk(null)} />}
      {notice && <Alert kind="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {!items && !error && <Loading label="Loading invitations…" />}
      {items && items.length === 0 && <p class="muted">No one has been invited yet.</p>}
      {items && items.length > 0 && (
        <>
          <ul class="count-chips progress-chips" aria-label="Candidates by progress">
            {STAGES.filter((s) => counts.get(s) || ["invited", "started", "completed", "reviewed"].includes(s)).map((s) => (
              <li key={s} class={`chip chip-${s}`}>
                <strong>{counts.get(s) ?? 0}</strong> {s}
              </li>
            ))}
          </ul>
          <div class="table-wrap" role="region" aria-labelledby="inv-h" tabIndex={0}>
            <table class="table inv-table">
              <caption class="sr-only">Invitations for this assessment</caption>
              <thead>
                <tr>
                  <th scope="col">Candidate</th>
                  <th scope="col">Status</th>
                  <th scope="col">Email</th>
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
                    <td>
                      <span class={`badge badge-${inv.progress}`}>{inv.progress}</span>
                      {inv.responses > 0 && (
                        <div class="muted small">
                          {inv.reviewed_responses} of {inv.responses} reviewed
                        </div>
                      )}
                    </td>
                    <td>
                      <span class={`email-state email-${inv.email.status}`} title={inv.email.last_error ?? undefined}>
                        {EMAIL_LABEL[inv.email.status]}
                      </span>
                      {inv.email.sent_at && <div class="muted small">{formatDateTime(inv.email.sent_at)}</div>}
                      {inv.email.status === "failed" && inv.email.last_error && <div class="small text-error">{inv.email.last_error}</div>}
                    </td>
                    <td>{inv.accommodations.extra_time_pct ? `+${inv.accommodations.extra_time_pct}%` : "—"}</td>
                    <td class="nowrap">{formatDate(inv.expires_at)}</td>
                    <td class="actions">
                      {!["invited", "expired", "revoked"].includes(inv.progress) && (
                        <Link href={`/app/reports/${inv.id}`} class="btn btn-small">
                          Report<span class="sr-only"> for {inv.candidate_name}</span>
                        </Link>
                      )}{" "}
                      {isAdmin && confirming?.id === inv.id ? (
                        confirming.action === "revoke" ? (
                          <ConfirmRevoke name={inv.candidate_name} onConfirm={() => revoke(inv)} onCancel={() => setConfirming(null)} />
                        ) : (
                          <ConfirmResend name={inv.candidate_name} onConfirm={(d) => resend(inv, d)} onCancel={() => setConfirming(null)} />
                        )
                      ) : (
                        isAdmin && (
                          <>
                            {RESENDABLE.has(inv.progress) && (
                              <button
                                type="button"
                                class="btn btn-small"
                                aria-label={`Resend invitation to ${inv.candidate_name}`}
                                onClick={() => setConfirming({ id: inv.id, action: "resend" })}
                              >
                                Resend
                              </button>
                            )}{" "}
                            {REVOCABLE.has(inv.progress) && (
                              <button
                                type="button"
                                class="btn btn-small"
                                aria-label={`Revoke invitation for ${inv.candidate_name}`}
                                onClick={() => setConfirming({ id: inv.id, action: "revoke" })}
                              >
                                Revoke
                              </button>
                            )}
                          </>
                        )
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function InviteForm(props: { assessmentId: string; onCreated: (c: Invited) => void }) {
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

/** Upload a CSV of candidates: all rows are invited, or none and every bad row is listed. */
function CsvImport(props: { assessmentId: string; onImported: (b: Bulk) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rows, setRows] = useState<RowError[]>([]);
  const input = useRef<HTMLInputElement>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (!file) {
      setError("Choose a CSV file first.");
      return;
    }
    setBusy(true);
    setError(null);
    setRows([]);
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      const out = await call(
        api.POST("/api/assessments/{assessment_id}/invitations/csv", {
          params: { path: { assessment_id: props.assessmentId } },
          body: form as never,
        }),
      );
      setFile(null);
      if (input.current) input.current.value = "";
      props.onImported(out);
    } catch (err) {
      setError(errorMessage(err));
      if (err instanceof ApiError && Array.isArray(err.body.errors)) setRows(err.body.errors as RowError[]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card csv-form" onSubmit={submit} aria-labelledby="csv-h">
      <h3 id="csv-h">Invite from a CSV file</h3>
      <p class="small muted" id="csv-help">
        A header row, then one candidate per row: <code>name,email</code> and optionally <code>extra_time_pct</code>,{" "}
        <code>expires_in_days</code>. Every row is checked first; if any row is wrong, nobody is invited.
      </p>
      <div class="field">
        <label for="csv-file">CSV file</label>
        <input
          id="csv-file"
          ref={input}
          type="file"
          accept=".csv,text/csv,text/plain"
          aria-describedby="csv-help"
          onChange={(e) => {
            setFile(e.currentTarget.files?.[0] ?? null);
            setError(null);
            setRows([]);
          }}
        />
      </div>
      {error && <Alert>{error}</Alert>}
      {rows.length > 0 && (
        <div class="table-wrap csv-errors" role="region" aria-label="Rows to fix" tabIndex={0}>
          <table class="table">
            <caption class="sr-only">Rows of the file that cannot be imported</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>{r.row}</td>
                  <td class="mono">{r.column ?? "—"}</td>
                  <td>{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? "Uploading…" : "Upload and invite"}
      </button>
    </form>
  );
}

/** The links a CSV import made, shown once, with what happens to the emails. */
function BulkLinks(props: { bulk: Bulk; onDismiss: () => void }) {
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), [props.bulk]);
  const csv = ["name,email,link", ...props.bulk.invitations.map((i) => [i.candidate_name, i.candidate_email, i.link].map(csvCell).join(","))].join("\n");
  return (
    <section class="card new-link" ref={panel} tabIndex={-1} aria-labelledby="bulk-h">
      <h3 id="bulk-h">
        Invited {props.bulk.created} candidate{props.bulk.created === 1 ? "" : "s"}
      </h3>
      <p class={props.bulk.email.status === "queued" ? "" : "warn-text"}>{props.bulk.email.message}</p>
      <p class="warn-text">These links are shown <strong>only once</strong>.</p>
      <div class="table-wrap">
        <table class="table">
          <caption class="sr-only">New invitation links</caption>
          <thead>
            <tr>
              <th scope="col">Candidate</th>
              <th scope="col">Link</th>
            </tr>
          </thead>
          <tbody>
            {props.bulk.invitations.map((i) => (
              <tr key={i.id}>
                <td>
                  <div class="cand-name">{i.candidate_name}</div>
                  <div class="muted small">{i.candidate_email}</div>
                </td>
                <td>
                  <input class="mono link-cell" readOnly value={i.link} aria-label={`Link for ${i.candidate_name}`} onFocus={(e) => e.currentTarget.select()} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="actions-row">
        <a class="btn btn-small" href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`} download="invitation-links.csv">
          Download the links (CSV)
        </a>
        <button type="button" class="btn btn-small" onClick={props.onDismiss}>Done, hide the links</button>
      </div>
    </section>
  );
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function NewLink(props: { created: Invited | Resent; onDismiss: () => void; dismissLabel?: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), [props.created.id, props.created.token]);

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
        This link is shown <strong>only once</strong>. Copy it now{props.created.email.status === "queued" ? " if you want to send it yourself" : " and send it to the candidate"}.
      </p>
      <p class="small">{props.created.email.message}</p>
      <div class="copy-row">
        <label for="new-link" class="sr-only">Invitation link</label>
        <input id="new-link" ref={input} readOnly value={props.created.link} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="btn btn-primary" onClick={copy}>
          Copy
        </button>
      </div>
      <p class="small copy-status" role="status">{copied ?? ""}</p>
      <button type="button" class={props.dismissLabel ? "btn btn-primary" : "btn btn-small"} onClick={props.onDismiss}>
        {props.dismissLabel ?? "Done, hide the link"}
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

/** Resend: a new link with a new expiry; the old link stops working. */
function ConfirmResend(props: { name: string; onConfirm: (days: number | null) => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  const [days, setDays] = useState("14");
  useEffect(() => cancel.current?.focus(), []);
  const id = `resend-days-${props.name.replace(/\W+/g, "-")}`;
  return (
    <span class="confirm confirm-resend" role="group" aria-label={`Confirm a new link for ${props.name}`}>
      <span class="small">New link (the old one stops working), valid for</span>
      <label class="sr-only" for={id}>Days the new link is valid</label>
      <input id={id} class="days-input" type="number" min={1} max={90} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
      <span class="small">days?</span>
      <button type="button" class="btn btn-primary btn-small" onClick={() => props.onConfirm(days ? Number(days) : null)}>
        Yes, send
      </button>
      <button type="button" ref={cancel} class="btn btn-small" onClick={props.onCancel}>
        Cancel
      </button>
    </span>
  );
}
