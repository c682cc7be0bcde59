/** /account/:token — a one-time link: a new colleague sets their password, or someone resets theirs. */
import { useEffect, useState } from "preact/hooks";
import { api, call, errorMessage, type Schemas } from "../../api/client";
import { navigate } from "../../router";
import { Alert, Loading, PageHeading, formatDateTime } from "../../ui/components";
import { NewPasswordFields, passwordProblem } from "./NewPasswordFields";

export function SetPasswordPage(props: { token: string }) {
  const [link, setLink] = useState<Schemas["AccountLinkOut"] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call(api.GET("/api/account-links/{token}", { params: { path: { token: props.token } } })).then(
      setLink, (err: unknown) => setProblem(errorMessage(err)));
  }, [props.token]);

  async function submit(e: Event) {
    e.preventDefault();
    setTried(true);
    if (passwordProblem(password, repeat)) return;
    setBusy(true);
    setError(null);
    try {
      await call(api.POST("/api/account-links/{token}", { params: { path: { token: props.token } }, body: { password } }));
      navigate("/app", { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  const invite = link?.purpose === "invite";
  return (
    <main class="auth-page">
      <div class="auth-card">
        <p class="brand" aria-hidden="true">Viva</p>
        <PageHeading title={invite ? "Join your team" : "Set a new password"}>
          {invite ? "Join your team" : "Set a new password"}
        </PageHeading>
        {problem ? (
          <>
            <Alert>{problem}</Alert>
            <p><a href="/login">Go to sign-in</a></p>
          </>
        ) : !link ? (
          <Loading />
        ) : (
          <form onSubmit={submit} noValidate>
            <p class="muted">
              {invite ? `${link.organization_name} invites you, ${link.name}, to Viva.` : `For ${link.name} at ${link.organization_name}.`}{" "}
              You sign in with <strong>{link.email}</strong>. This link works once, until {formatDateTime(link.expires_at)}.
            </p>
            <input type="email" autocomplete="username" value={link.email} hidden readOnly />
            <NewPasswordFields password={password} repeat={repeat} tried={tried} setPassword={setPassword} setRepeat={setRepeat} />
            {error && <Alert>{error}</Alert>}
            <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
              {busy ? "Saving…" : invite ? "Set password and sign in" : "Save and sign in"}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
