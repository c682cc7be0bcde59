/** Staff sign-in. */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, call } from "../api/client";
import { navigate } from "../router";
import { Alert, PageHeading } from "../ui/components";
import { useApi, useSubmit } from "../ui/useApi";

function safeNext(next: string | null): string {
  return next && next.startsWith("/app") ? next : "/app";
}

export function Login(props: { next: string | null }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // Already signed in? Go straight on. (This GET also sets the CSRF cookie.) A 401 is the usual answer.
  const session = useApi(
    () =>
      call(api.GET("/api/auth/me")).then(
        () => true,
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 401) return false;
          throw err;
        },
      ),
    [],
  );
  useEffect(() => {
    if (session.data) navigate(safeNext(props.next), { replace: true });
  }, [session.data]);
  const { submit: signIn, busy, error: signInError } = useSubmit(async () => {
    await call(api.POST("/api/auth/login", { body: { email: email.trim(), password } }));
    navigate(safeNext(props.next), { replace: true });
  });
  const error = signInError ?? session.error;

  function submit(event: Event) {
    event.preventDefault();
    void signIn();
  }

  return (
    <main class="auth-page">
      <div class="auth-card">
        <p class="brand" aria-hidden="true">
          Viva
        </p>
        <PageHeading title="Sign in">Sign in</PageHeading>
        <p class="muted">For staff who manage assessments and review answers.</p>
        <form onSubmit={submit} noValidate={false}>
          <Field id="email" label="Email">
            <input id="email" name="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </Field>
          <Field id="password" label="Password">
            <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </Field>
          {error && <Alert>{error}</Alert>}
          <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <p class="small auth-extra">
          <a href="/forgot">Forgot your password?</a>
        </p>
      </div>
    </main>
  );
}

/** A sign-in field: its label and input (whose id and name are what password managers look for). */
function Field(props: { id: string; label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
    </div>
  );
}
