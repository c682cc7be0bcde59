/** Settings → Team (admins): invite colleagues, change roles, deactivate, reactivate, unlock. */
import { useContext, useEffect, useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { MeContext } from "../../staff/StaffShell";
import { Alert, Loading, formatDateTime } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";
import { SecretOnce } from "./SecretOnce";

type Member = Schemas["UserOut"];
type Role = Member["role"];
const ROLES: { value: Role; label: string }[] = [
  { value: "admin", label: "Admin" },
  { value: "reviewer", label: "Reviewer" },
  { value: "hiring_manager", label: "Hiring manager" },
];
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function status(m: Member): { label: string; cls: string } {
  if (!m.is_active) return { label: "deactivated", cls: "badge-revoked" };
  if (m.pending) return { label: "invited", cls: "badge-invited" };
  return { label: "active", cls: "badge-active" };
}

function InviteForm(props: { onInvited: (r: Schemas["UserInvited"]) => void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("reviewer");
  const [tried, setTried] = useState(false);
  const { submit: invite, busy, error } = useSubmit(() =>
    call(api.POST("/api/users", { body: { name: name.trim(), email: email.trim(), role } })),
  );
  const nameProblem = !name.trim() ? "Enter your colleague's name." : null;
  const emailProblem = !EMAIL.test(email.trim()) ? "Enter an email address like name@company.com." : null;

  async function submit(e: Event) {
    e.preventDefault();
    setTried(true);
    if (nameProblem || emailProblem) return;
    const r = await invite();
    if (!r) return;
    setName("");
    setEmail("");
    setTried(false);
    props.onInvited(r);
  }

  return (
    <form class="inline-form invite-staff-form" onSubmit={submit} noValidate aria-label="Invite a colleague">
      <div class="field">
        <label for="staff-name">Name</label>
        <input id="staff-name" type="text" maxLength={200} value={name} aria-invalid={tried && !!nameProblem}
          onInput={(e) => setName(e.currentTarget.value)} />
        {tried && nameProblem && <span class="text-error small">{nameProblem}</span>}
      </div>
      <div class="field">
        <label for="staff-email">Email</label>
        <input id="staff-email" type="email" maxLength={320} value={email} aria-invalid={tried && !!emailProblem}
          onInput={(e) => setEmail(e.currentTarget.value)} />
        {tried && emailProblem && <span class="text-error small">{emailProblem}</span>}
      </div>
      <div class="field field-narrow">
        <label for="staff-role">Role</label>
        <select id="staff-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
          {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
        </select>
      </div>
      <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Inviting…" : "Send invitation"}</button>
      {error && <Alert>{error}</Alert>}
    </form>
  );
}

function MemberRow(props: { m: Member; self: boolean; onChanged: (m: Member) => void; onLink: (l: Schemas["LinkIssued"], m: Member) => void; onError: (e: string | null) => void }) {
  const { m } = props;
  const [confirming, setConfirming] = useState(false);
  const path = { params: { path: { user_id: m.id } } };
  // One action at a time per member; its error is said above the table.
  const { submit, busy, error } = useSubmit((fn: () => Promise<void>) => fn());
  useEffect(() => {
    if (error) props.onError(error);
  }, [error]);

  function act(fn: () => Promise<Member>) {
    props.onError(null);
    void submit(async () => {
      props.onChanged(await fn());
      setConfirming(false);
    });
  }
  function newLink() {
    props.onError(null);
    void submit(async () => props.onLink(await call(api.POST("/api/users/{user_id}/link", path)), m));
  }
  const st = status(m);
  return (
    <tr>
      <td class="cand-name">{m.name}{props.self && <span class="small muted"> (you)</span>}<div class="small muted">{m.email}</div></td>
      <td>
        <label class="sr-only" for={`role-${m.id}`}>Role of {m.name}</label>
        <select id={`role-${m.id}`} value={m.role} disabled={busy || !m.is_active}
          onChange={(e) => {
            const role = e.currentTarget.value as Role;
            e.currentTarget.value = m.role; // shown as saved only once the server agrees
            act(() => call(api.PATCH("/api/users/{user_id}", { ...path, body: { role } })));
          }}>
          {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
        </select>
      </td>
      <td>
        <span class={`badge ${st.cls}`}>{st.label}</span>
        {m.locked && <span class="badge badge-started" title="Failed sign-ins hold back some address">locked</span>}
      </td>
      <td class="small">{m.last_login_at ? formatDateTime(m.last_login_at) : "never"}</td>
      <td class="actions">
        {m.locked && (
          <button type="button" class="btn btn-small" disabled={busy} aria-label={`Unlock ${m.name}`}
            onClick={() => act(() => call(api.POST("/api/users/{user_id}/unlock", path)))}>Unlock</button>
        )}
        {m.is_active && (
          <button type="button" class="btn btn-small" disabled={busy} onClick={newLink}
            aria-label={m.pending ? `New invitation link for ${m.name}` : `Password reset link for ${m.name}`}>
            {m.pending ? "New invitation link" : "Reset link"}
          </button>
        )}
        {!m.is_active ? (
          <button type="button" class="btn btn-small" disabled={busy} aria-label={`Reactivate ${m.name}`}
            onClick={() => act(() => call(api.POST("/api/users/{user_id}/reactivate", path)))}>Reactivate</button>
        ) : confirming ? (
          <span class="confirm">
            <span class="small">{m.name} is signed out at once.</span>
            <button type="button" class="btn btn-small btn-danger" disabled={busy}
              onClick={() => act(() => call(api.POST("/api/users/{user_id}/deactivate", path)))}>Deactivate</button>
            <button type="button" class="btn btn-small btn-quiet" onClick={() => setConfirming(false)}>Keep</button>
          </span>
        ) : (
          <button type="button" class="btn btn-small" aria-label={`Deactivate ${m.name}`} onClick={() => setConfirming(true)}>Deactivate…</button>
        )}
      </td>
    </tr>
  );
}

export function TeamSection() {
  const me = useContext(MeContext);
  const { data: members, error: loadError, reload, setData: setMembers } = useApi(() => call(api.GET("/api/users")), []);
  const [rowError, setError] = useState<string | null>(null);
  const error = rowError ?? loadError;
  const [notice, setNotice] = useState<string | null>(null);
  const [link, setLink] = useState<{ issued: Schemas["LinkIssued"]; who: string } | null>(null);

  function showLink(issued: Schemas["LinkIssued"], who: string) {
    setNotice(issued.message);
    setLink(issued.link ? { issued, who } : null);
  }

  return (
    <section class="card settings-card" aria-labelledby="team-h">
      <h2 id="team-h">Team</h2>
      <p class="small muted">
        Admins manage assessments, invitations and settings; reviewers review answers. An invited colleague sets their
        own password through a one-time link. Deactivating someone signs them out everywhere at once.
      </p>
      {error && <Alert>{error}</Alert>}
      {notice && <Alert kind={link ? "info" : "success"}>{notice}</Alert>}
      {link && (
        <SecretOnce id="staff-link" label="Set-password link" value={link.issued.link!} onDismiss={() => { setLink(null); setNotice(null); }}>
          <p class="small">For {link.who}; it works once, until {formatDateTime(link.issued.expires_at)}.</p>
        </SecretOnce>
      )}
      <InviteForm onInvited={(r) => { showLink(r.invitation, r.user.name); reload(); }} />
      {!members ? (
        <Loading />
      ) : (
        <div class="table-wrap" role="region" aria-labelledby="team-h" tabIndex={0}>
          <table class="table team-table">
            <caption class="sr-only">Members of your organization</caption>
            <thead>
              <tr><th scope="col">Member</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Last sign-in</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <MemberRow key={m.id} m={m} self={m.id === me?.id} onError={setError}
                  onChanged={(u) => members && setMembers(members.map((x) => (x.id === u.id ? u : x)))}
                  onLink={(l, who) => showLink(l, who.name)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
