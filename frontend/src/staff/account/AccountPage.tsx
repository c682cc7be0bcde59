/** /app/account — my password, and signing out on every device. */
import { useContext, useState } from "preact/hooks";
import { api, call } from "../../api/client";
import { navigate } from "../../router";
import { Alert, PageHeading } from "../../ui/components";
import { useSubmit } from "../../ui/useApi";
import { MeContext } from "../StaffShell";
import { NewPasswordFields, passwordProblem } from "./NewPasswordFields";

function PasswordSection() {
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState(false);
  // 204: the action answers true, so a failure (undefined) is told apart from success.
  const { submit: change, busy, error } = useSubmit(async () => {
    await call(api.POST("/api/auth/password", { body: { current_password: current, new_password: password } }));
    return true;
  });

  async function submit(e: Event) {
    e.preventDefault();
    setTried(true);
    setSaved(false);
    if (!current || passwordProblem(password, repeat)) return;
    if (!(await change())) return;
    setCurrent("");
    setPassword("");
    setRepeat("");
    setTried(false);
    setSaved(true);
  }

  return (
    <section class="card settings-card" aria-labelledby="pw-h">
      <h2 id="pw-h">Change password</h2>
      {saved && <Alert kind="success">Password changed. Your other sessions were signed out.</Alert>}
      <form onSubmit={submit} noValidate class="narrow-form" aria-label="Change password">
        <div class="field">
          <label for="current-password">Current password</label>
          <input id="current-password" type="password" autocomplete="current-password" value={current}
            aria-invalid={tried && !current} onInput={(e) => setCurrent(e.currentTarget.value)} />
          {tried && !current && <span class="text-error small">Enter your current password.</span>}
        </div>
        <NewPasswordFields password={password} repeat={repeat} tried={tried} setPassword={setPassword} setRepeat={setRepeat} />
        {error && <Alert>{error}</Alert>}
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Saving…" : "Change password"}</button>
      </form>
    </section>
  );
}

function SessionsSection() {
  const [confirming, setConfirming] = useState(false);
  const { submit, error } = useSubmit(async () => {
    await call(api.POST("/api/auth/logout-everywhere"));
    navigate("/login", { replace: true });
  });
  const everywhere = () => void submit();
  return (
    <section class="card settings-card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Sessions</h2>
      <p class="small muted">Lost a laptop or signed in on a shared computer? End every session of yours, this one included.</p>
      {error && <Alert>{error}</Alert>}
      {confirming ? (
        <span class="confirm">
          <button type="button" class="btn btn-danger" onClick={() => void everywhere()}>Sign out everywhere</button>
          <button type="button" class="btn btn-quiet" onClick={() => setConfirming(false)}>Cancel</button>
        </span>
      ) : (
        <button type="button" class="btn" onClick={() => setConfirming(true)}>Sign out everywhere…</button>
      )}
    </section>
  );
}

export function AccountPage() {
  const me = useContext(MeContext);
  return (
    <div class="settings-page">
      <PageHeading title="My account">My account</PageHeading>
      <p class="lead">{me?.name} · {me?.email} · {me?.role}</p>
      <PasswordSection />
      <SessionsSection />
    </div>
  );
}
