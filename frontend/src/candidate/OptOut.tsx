/** The reminder email's opt-out link: says whose reminders it stops and asks to confirm (a link
 * a mail scanner merely fetches must not unsubscribe anyone). */
import { api, call } from "../api/client";
import { useDocumentLanguage, useT } from "../i18n";
import { Rich } from "../i18n/rich";
import { Alert, Loading, PageHeading } from "../ui/components";
import { useApi, useSubmit } from "../ui/useApi";

export function OptOutPage({ token }: { token: string }) {
  const { t } = useT();
  useDocumentLanguage();
  const path = { params: { path: { token } } } as const;
  const view = useApi(() => call(api.GET("/api/email/opt-out/{token}", path)), [token]);
  const confirm = useSubmit(async () => view.setData(await call(api.POST("/api/email/opt-out/{token}", path))));
  const v = view.data;
  return (
    <main class="candidate-page narrow" id="main">
      <PageHeading title={t("optOut.title")}>{t("optOut.title")}</PageHeading>
      {view.error && <Alert>{view.error}</Alert>}
      {!v && !view.error && <Loading label={t("common.loading")} />}
      {v && v.opted_out && (
        <Alert kind="success">
          {t("optOut.done", { organization: v.organization, assessment: v.assessment_title })}
        </Alert>
      )}
      {v && !v.opted_out && (
        <>
          <p>
            <Rich text={t("optOut.ask", { organization: v.organization, assessment: v.assessment_title })} />
          </p>
          {confirm.error && <Alert>{confirm.error}</Alert>}
          <button type="button" class="btn btn-primary" disabled={confirm.busy} onClick={() => void confirm.submit()}>
            {confirm.busy ? t("common.saving") : t("optOut.confirm")}
          </button>
        </>
      )}
    </main>
  );
}
