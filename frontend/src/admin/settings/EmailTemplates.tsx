/** The candidate emails (invitation, reminder, decision): each organization's own text with a
 * preview the server renders with the branding, and the opt-in decision email (admins). */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { Alert, Loading } from "../../ui/components";
import { useApi, useSubmit } from "../../ui/useApi";

type Template = Schemas["EmailTemplateOut"];
type Preview = Schemas["PreviewOut"];

const TITLES: Record<Template["kind"], string> = {
  invitation: "Invitation",
  reminder: "Reminder",
  decision: "Decision",
};

function TemplateEditor({ template, onSaved }: { template: Template; onSaved: (t: Template) => void }) {
  const [subject, setSubject] = useState(template.subject);
  const [body, setBody] = useState(template.body);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const id = `tpl-${template.kind}`;
  const path = { params: { path: { kind: template.kind } } } as const;
  const run = useSubmit(async (what: "save" | "preview" | "reset") => {
    setSaved(null);
    if (what === "preview") {
      setPreview(await call(api.POST("/api/organization/email/templates/{kind}/preview", { ...path, body: { subject, body } })));
      return;
    }
    const t = what === "save"
      ? await call(api.PUT("/api/organization/email/templates/{kind}", { ...path, body: { subject, body } }))
      : await call(api.DELETE("/api/organization/email/templates/{kind}", path));
    setSubject(t.subject);
    setBody(t.body);
    onSaved(t);
    setSaved(what === "save" ? "Saved: the next emails use this text." : "Back to the default text.");
  });

  return (
    <form class="email-template" aria-labelledby={`${id}-h`} onSubmit={(e) => { e.preventDefault(); void run.submit("save"); }}>
      <h3 id={`${id}-h`}>{TITLES[template.kind]} email {template.custom ? <span class="badge">Your text</span> : <span class="badge">Default</span>}</h3>
      <div class="field">
        <label for={`${id}-subject`}>Subject</label>
        <input id={`${id}-subject`} value={subject} maxLength={300} onInput={(e) => setSubject(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${id}-body`}>Text</label>
        <textarea id={`${id}-body`} rows={8} value={body} aria-describedby={`${id}-help`} onInput={(e) => setBody(e.currentTarget.value)} />
        <span id={`${id}-help`} class="help">
          Placeholders: {template.placeholders.map((p, i) => (
            <span key={p.name}>{i > 0 && ", "}<code title={p.description}>{`{${p.name}}`}</code></span>
          ))}. Write {"{{"} and {"}}"} for a literal brace. Your contact email and privacy link are added at the foot.
        </span>
      </div>
      {run.error && <Alert>{run.error}</Alert>}
      {saved && <Alert kind="success">{saved}</Alert>}
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={run.busy}>Save</button>
        <button type="button" class="btn" disabled={run.busy} onClick={() => void run.submit("preview")}>Preview</button>
        {template.custom && <button type="button" class="btn" disabled={run.busy} onClick={() => void run.submit("reset")}>Use the default</button>}
      </div>
      {preview && (
        <div class="email-preview" aria-label={`Preview of the ${TITLES[template.kind].toLowerCase()} email`} role="region">
          <p><strong>Subject:</strong> {preview.subject}</p>
          <iframe title={`${TITLES[template.kind]} email preview`} sandbox="" srcdoc={preview.html} class="email-preview-frame" />
        </div>
      )}
    </form>
  );
}

export function EmailSection() {
  const loaded = useApi(() => call(api.GET("/api/organization/email")), []);
  const toggle = useSubmit(async (on: boolean) => {
    loaded.setData(await call(api.PUT("/api/organization/email", { body: { decision_emails: on } })));
  });
  const data = loaded.data;
  return (
    <section class="card settings-card" aria-labelledby="email-h">
      <h2 id="email-h">Candidate emails</h2>
      {loaded.error && <Alert>{loaded.error}</Alert>}
      {!data ? (
        <Loading />
      ) : (
        <>
          {!data.email_enabled && (
            <Alert kind="info">This server sends no email (VIVA_SMTP_HOST is not set): share links by hand. The texts below apply once it does.</Alert>
          )}
          <div class="check">
            <input id="decision-emails" type="checkbox" checked={data.decision_emails} disabled={toggle.busy}
              aria-describedby="decision-emails-help" onChange={(e) => void toggle.submit(e.currentTarget.checked)} />
            <div>
              <label for="decision-emails">Email candidates the decision</label>
              <p id="decision-emails-help" class="help">Off unless you turn it on: when on, a candidate gets the decision email once a decision is recorded.</p>
            </div>
          </div>
          {toggle.error && <Alert>{toggle.error}</Alert>}
          {data.templates.map((t) => (
            <TemplateEditor key={t.kind} template={t}
              onSaved={(nt) => loaded.setData({ ...data, templates: data.templates.map((x) => (x.kind === nt.kind ? nt : x)) })} />
          ))}
        </>
      )}
    </section>
  );
}
