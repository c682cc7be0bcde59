/** /forgot — ask for a password reset link (the same answer for every email). */
import { useState } from "preact/hooks";
import { api, call } from "../../api/client";
import { Alert, PageHeading } from "../../ui/components";
import { useSubmit } from "../../ui/useApi";

export function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const { submit: ask, busy, error, setError } = useSubmit(() =>
    call(api.POST("/api/auth/password-reset", { body: { email: email.trim() } })),
  );

  async function submit(e: Event) {
    e.preventDefault();
    if (!email.trim()) {
      setError("Enter the email you sign in with.");
      return;
    }
    const out = await ask();
    if (out) setDone(out.message);
  }

  return (
    <main class="auth-page">
      <div class="auth-card">
        <p class="brand" aria-hidden="true">Viva</p>
        <PageHeading title="Reset your password">Reset your password</PageHeading>
        {done ? (
          <Alert kind="success">{done}</Alert>
        ) : (
          <form onSubmit={submit} noValidate>
            <p class="muted">We email you a link to set a new password.</p>
            <div class="field">
              <label for="forgot-email">Email</label>
              <input id="forgot-email" type="email" autocomplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            </div>
            {error && <Alert>{error}</Alert>}
            <button type="submit" class="btn btn-primary btn-block" disabled={busy}>{busy ? "Sending…" : "Send the link"}</button>
          </form>
        )}
        <p class="small"><a href="/login">Back to sign-in</a></p>
      </div>
    </main>
  );
}
