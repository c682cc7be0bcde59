/** /account/:token — a one-time link: a new colleague sets their password, or someone resets theirs. */
import { useState } from "preact/hooks";
import { api, call } from "../../api/client";
import { navigate } from "../../router";
import { Alert, Loading, PageHeading, formatDateTime } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";
import { NewPasswordFields, passwordProblem } from "./NewPasswordFields";

export function SetPasswordPage(props: { token: string }) {
  const path = { params: { path: { token: props.token } } };
  const { data: link, error: problem } = useApi(() => call(api.GET("/api/account-links/{token}", path)), [props.token]);
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [tried, setTried] = useState(false);
  const { submit: save, busy, error } = useSubmit(async () => {
    await call(api.POST("/api/account-links/{token}", { ...path, body: { password } }));
    navigate("/app", { replace: true });
  });

  function submit(e: Event) {
    e.preventDefault();
    setTried(true);
    if (passwordProblem(password, repeat)) return;
    void save();
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
