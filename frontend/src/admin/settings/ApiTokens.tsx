/** API tokens for this organization with their scopes: create (shown once), list, revoke. */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { Alert, Loading, formatDateTime } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";
import { SecretOnce } from "./SecretOnce";

type Token = Schemas["ApiTokenOut"];
type Scope = Token["scopes"][number];
const SCOPES: { value: Scope; label: string }[] = [
  { value: "read", label: "read: reports, answers, assessments (every GET)" },
  { value: "invite", label: "invite: create candidate invitations and get their links" },
  { value: "decide", label: "decide: advance, hold or reject candidates (set their stage)" },
];

export function ApiTokensSection() {
  const { data: tokens, error: loadError, reload } = useApi(() => call(api.GET("/api/api-tokens")), []);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read"]);
  const [days, setDays] = useState("");
  const [tried, setTried] = useState(false);
  const [created, setCreated] = useState<Schemas["ApiTokenCreated"] | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const change = useSubmit((request: () => Promise<void>) => request());
  const error = loadError ?? change.error;
  const busy = change.busy;

  function create(e: Event) {
    e.preventDefault();
    setTried(true);
    if (!name.trim() || scopes.length === 0) return;
    const expires_in_days = days ? Number(days) : null;
    void change.submit(async () => {
      setCreated(await call(api.POST("/api/api-tokens", { body: { name: name.trim(), scopes, expires_in_days } })));
      setDays("");
      setName("");
      setScopes(["read"]);
      setTried(false);
      reload();
    });
  }

  function revoke(t: Token) {
    void change.submit(async () => {
      await call(api.DELETE("/api/api-tokens/{token_id}", { params: { path: { token_id: t.id } } }));
      setConfirming(null);
      if (created?.id === t.id) setCreated(null);
      reload();
    });
  }

  return (
    <section class="card settings-card" aria-labelledby="tokens-h">
      <h2 id="tokens-h">API tokens</h2>
      <p class="small muted">
        A token acts for the organization within its scopes: <code>read</code> reads what an admin can read,{" "}
        <code>invite</code> creates invitations (an ATS gets the candidate's link back), <code>decide</code> sets
        candidates' decisions. Send it as{" "}
        <code>Authorization: Bearer viva_…</code>. Only a hash is stored.
      </p>
      {error && <Alert>{error}</Alert>}
      {created && (
        <SecretOnce id="new-token" label="API token" value={created.token} onDismiss={() => setCreated(null)}>
          <p class="small">Token “{created.name}”</p>
        </SecretOnce>
      )}
      <form class="inline-form" onSubmit={create} noValidate aria-label="Create an API token">
        <div class="field">
          <label for="token-name">Token name</label>
          <input id="token-name" type="text" maxLength={120} placeholder="e.g. ATS sync" value={name}
            aria-invalid={tried && !name.trim()} onInput={(e) => setName(e.currentTarget.value)} />
          {tried && !name.trim() && <span class="text-error small">Name the token so you know what uses it.</span>}
        </div>
        <fieldset class="field scopes">
          <legend>Scopes</legend>
          {SCOPES.map((sc) => (
            <div class="check" key={sc.value}>
              <input id={`scope-${sc.value}`} type="checkbox" checked={scopes.includes(sc.value)}
                onChange={(e) => setScopes((all) => (e.currentTarget.checked ? [...all, sc.value] : all.filter((x) => x !== sc.value)))} />
              <label for={`scope-${sc.value}`}>{sc.label}</label>
            </div>
          ))}
          {tried && scopes.length === 0 && <span class="text-error small">Choose at least one scope.</span>}
        </fieldset>
        <div class="field">
          <label for="token-expiry">Expires</label>
          <select id="token-expiry" value={days} onChange={(e) => setDays(e.currentTarget.value)}>
            <option value="">Never (until revoked)</option>
            <option value="30">In 30 days</option>
            <option value="90">In 90 days</option>
            <option value="365">In a year</option>
          </select>
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Creating…" : "Create token"}</button>
      </form>
      {!tokens ? (
        <Loading />
      ) : tokens.length === 0 ? (
        <p class="muted">No API tokens yet.</p>
      ) : (
        <div class="table-wrap" role="region" aria-labelledby="tokens-h" tabIndex={0}>
          <table class="table tokens-table">
            <caption class="sr-only">API tokens</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td class="cand-name">{t.name}</td>
                  <td><code>{t.prefix}…</code></td>
                  <td class="small">{t.scopes.join(", ")}</td>
                  <td class="small">{formatDateTime(t.created_at)}</td>
                  <td class="small">{t.last_used_at ? formatDateTime(t.last_used_at) : "never"}</td>
                  <td>
                    {t.revoked_at ? <span class="badge badge-revoked">revoked</span>
                      : t.expires_at && new Date(t.expires_at) <= new Date() ? <span class="badge badge-revoked">expired</span>
                      : <span class="badge badge-active">active</span>}
                    {!t.revoked_at && t.expires_at && new Date(t.expires_at) > new Date() && (
                      <span class="small muted"> until {formatDateTime(t.expires_at)}</span>
                    )}
                  </td>
                  <td class="actions">
                    {!t.revoked_at && (confirming === t.id ? (
                      <span class="confirm">
                        <span class="small">It stops working at once.</span>
                        <button type="button" class="btn btn-small btn-danger" onClick={() => void revoke(t)}>Revoke</button>
                        <button type="button" class="btn btn-small btn-quiet" onClick={() => setConfirming(null)}>Keep</button>
                      </span>
                    ) : (
                      <button type="button" class="btn btn-small" aria-label={`Revoke the token ${t.name}`} onClick={() => setConfirming(t.id)}>Revoke…</button>
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
