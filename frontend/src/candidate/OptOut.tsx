/** The reminder email's opt-out link: says whose reminders it stops and asks to confirm (a link
 * a mail scanner merely fetches must not unsubscribe anyone). */
import { api, call } from "../api/client";
import { Alert, Loading, PageHeading } from "../ui/components";
import { useApi, useSubmit } from "../ui/useApi";

export function OptOutPage({ token }: { token: string }) {
  const path = { params: { path: { token } } } as const;
  const view = useApi(() => call(api.GET("/api/email/opt-out/{token}", path)), [token]);
  const confirm = useSubmit(async () => view.setData(await call(api.POST("/api/email/opt-out/{token}", path))));
  const v = view.data;
  return (
    <main class="candidate-page narrow" id="main">
      <PageHeading title="Reminder emails">Reminder emails</PageHeading>
      {view.error && <Alert>{view.error}</Alert>}
      {!v && !view.error && <Loading />}
      {v && v.opted_out && (
        <Alert kind="success">
          Done: {v.organization} will send you no more automatic reminders about {v.assessment_title}. Your interview link still works.
        </Alert>
      )}
      {v && !v.opted_out && (
        <>
          <p>
            Stop the automatic reminder emails from {v.organization} about your interview for <strong>{v.assessment_title}</strong>?
            Your interview link keeps working.
          </p>
          {confirm.error && <Alert>{confirm.error}</Alert>}
          <button type="button" class="btn btn-primary" disabled={confirm.busy} onClick={() => void confirm.submit()}>
            {confirm.busy ? "Saving…" : "Stop the reminders"}
          </button>
        </>
      )}
    </main>
  );
}
