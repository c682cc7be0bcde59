/**
 * Invite candidates (one at a time or from a CSV file), show new links once, follow each
 * candidate's stage (with the team's names for stages), resend, extend and revoke links, and
 * act on many candidates at once (advance, hold, reject, remind, extend, export); the funnel.
 */
import { useContext, useEffect, useState } from "preact/hooks";
import { api, call, errorMessage } from "../../api/client";
import { Alert, Link, Loading, formatDate, formatDateTime } from "../../ui/components";
import { MeContext } from "../StaffShell";
import { BulkLinks } from "./BulkLinks";
import { FunnelView } from "../stages/Funnel";
import { DEFAULT_NAMES, LIFECYCLE, type StageNameMap, loadStageNames, reasonLabel } from "../stages/names";
import { BulkBar, BulkOutcome, type BulkResult } from "./BulkBar";
import { ConfirmExtend, ConfirmResend, ConfirmRevoke } from "./Confirm";
import { CsvImport } from "./CsvImport";
import { InviteForm } from "./InviteForm";
import { NewLink } from "./NewLink";
import { type Bulk, EMAIL_LABEL, EXTENDABLE, type Invited, type Progress, RESENDABLE, REVOCABLE, type Resent } from "./types";

export function Invitations(props: { assessmentId: string }) {
  const me = useContext(MeContext);
  const isAdmin = !me || me.role === "admin";
  const [items, setItems] = useState<Progress[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Invited | Resent | null>(null);
  const [confirming, setConfirming] = useState<{ id: string; action: "revoke" | "resend" | "extend" } | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<BulkResult | null>(null);
  const [names, setNames] = useState<StageNameMap>(DEFAULT_NAMES);
  const [version, setVersion] = useState(0);
  const canDecide = !me || me.role === "admin" || me.role === "reviewer";
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
  useEffect(() => {
    loadStageNames().then(setNames, () => setNames(DEFAULT_NAMES));
  }, []);

  function toggle(id: string, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  }

  async function extend(inv: Progress, days: number) {
    setError(null);
    try {
      await call(api.POST("/api/invitations/{invitation_id}/extend", { params: { path: { invitation_id: inv.id } }, body: { days } }));
      setConfirming(null);
      setNotice(`${inv.candidate_name}'s deadline moved ${days} days later; the link stays the same.`);
      await reload();
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

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
  for (const inv of items ?? []) counts.set(inv.stage, (counts.get(inv.stage) ?? 0) + 1);
  const allIds = (items ?? []).map((i) => i.id);
  const allSelected = allIds.length > 0 && allIds.every((id) => selected.has(id));

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
      {outcome && <BulkOutcome result={outcome} onDismiss={() => setOutcome(null)} />}
      {error && <Alert>{error}</Alert>}
      {!items && !error && <Loading label="Loading invitations…" />}
      {items && items.length === 0 && <p class="muted">No one has been invited yet.</p>}
      {items && items.length > 0 && (
        <>
          <ul class="count-chips progress-chips" aria-label="Candidates by stage">
            {LIFECYCLE.filter((s) => counts.get(s) || ["invited", "started", "completed", "reviewed"].includes(s)).map((s) => (
              <li key={s} class={`chip chip-${s}`}>
                <strong>{counts.get(s) ?? 0}</strong> {names[s]}
              </li>
            ))}
          </ul>
          {selected.size > 0 && (
            <BulkBar
              assessmentId={props.assessmentId}
              selected={[...selected]}
              isAdmin={isAdmin}
              canDecide={canDecide}
              names={names}
              onClear={() => setSelected(new Set())}
              onDone={(r) => {
                setOutcome(r);
                setNotice(null);
                setSelected(new Set(r.items.filter((i) => !i.ok).map((i) => i.invitation_id)));
                void reload();
                setVersion((v) => v + 1);
              }}
            />
          )}
          <div class="table-wrap" role="region" aria-labelledby="inv-h" tabIndex={0}>
            <table class="table inv-table">
              <caption class="sr-only">Invitations for this assessment</caption>
              <thead>
                <tr>
                  <th scope="col" class="select-col">
                    <input
                      type="checkbox"
                      aria-label="Select every candidate"
                      checked={allSelected}
                      onChange={(e) => setSelected(e.currentTarget.checked ? new Set(allIds) : new Set())}
                    />
                  </th>
                  <th scope="col">Candidate</th>
                  <th scope="col">Stage</th>
                  <th scope="col">Email</th>
                  <th scope="col">Extra time</th>
                  <th scope="col">Expires</th>
                  <th scope="col"><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {items.map((inv) => (
                  <tr key={inv.id} class={selected.has(inv.id) ? "selected" : undefined}>
                    <td class="select-col">
                      <input
                        type="checkbox"
                        aria-label={`Select ${inv.candidate_name}`}
                        checked={selected.has(inv.id)}
                        onChange={(e) => toggle(inv.id, e.currentTarget.checked)}
                      />
                    </td>
                    <td>
                      <div class="cand-name">{inv.candidate_name}</div>
                      <div class="muted small">{inv.candidate_email}</div>
                    </td>
                    <td>
                      <span class={`badge badge-${inv.stage}`} data-stage={inv.stage}>{names[inv.stage]}</span>
                      {inv.decision_reason && (
                        <div class="muted small" title={inv.decision_note ?? undefined}>
                          {reasonLabel(inv.decision_reason)}
                        </div>
                      )}
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
                        ) : confirming.action === "extend" ? (
                          <ConfirmExtend name={inv.candidate_name} onConfirm={(d) => extend(inv, d)} onCancel={() => setConfirming(null)} />
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
                            {EXTENDABLE.has(inv.stage) && (
                              <button
                                type="button"
                                class="btn btn-small"
                                aria-label={`Extend the deadline for ${inv.candidate_name}`}
                                onClick={() => setConfirming({ id: inv.id, action: "extend" })}
                              >
                                Extend
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
          <p class="small muted export-all">
            Every candidate:{" "}
            <a href={`/api/reports/assessments/${props.assessmentId}/export?format=csv`} download>CSV</a> ·{" "}
            <a href={`/api/reports/assessments/${props.assessmentId}/export?format=json`} download>JSON</a>
          </p>
          <FunnelView assessmentId={props.assessmentId} version={version} names={names} />
        </>
      )}
    </section>
  );
}
