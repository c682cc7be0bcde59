/**
 * Invite candidates (one at a time or from a CSV file), show new links once, follow each
 * candidate's progress up to "reviewed", resend and revoke links.
 */
import { useContext, useEffect, useState } from "preact/hooks";
import { api, call, errorMessage } from "../../api/client";
import { Alert, Link, Loading, formatDate, formatDateTime } from "../../ui/components";
import { MeContext } from "../StaffShell";
import { BulkLinks } from "./BulkLinks";
import { ConfirmResend, ConfirmRevoke } from "./Confirm";
import { CsvImport } from "./CsvImport";
import { InviteForm } from "./InviteForm";
import { NewLink } from "./NewLink";
import { type Bulk, EMAIL_LABEL, type Invited, type Progress, RESENDABLE, REVOCABLE, type Resent, STAGES } from "./types";

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
