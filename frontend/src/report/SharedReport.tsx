/** The public, read-only page behind a share link: no sign-in, no staff chrome. */
import { api, call, type Schemas } from "../api/client";
import { Alert, Loading, PageHeading } from "../ui/components";
import { ReportView } from "./ReportView";
import { useApi } from "../ui/useApi";

export function SharedReport(props: { token: string }) {
  // 404 (unknown link) and 410 (revoked or expired) carry a message written for the reader.
  const { data: report, error } = useApi<Schemas["InvitationReport"]>(
    () => call(api.GET("/api/share/{token}", { params: { path: { token: props.token } } })),
    [props.token],
  );
  return (
    <>
      <header class="topbar">
        <div class="topbar-inner">
          <span class="brand-link">Viva</span>
          <span class="small muted">Shared report · read-only</span>
        </div>
      </header>
      <main id="main" class="page">
        {error ? (
          <>
            <PageHeading title="Shared report">Shared report</PageHeading>
            <Alert>{error}</Alert>
          </>
        ) : !report ? (
          <Loading label="Loading the report…" />
        ) : (
          <ReportView
            report={report}
            shared
            actions={<button type="button" class="btn" onClick={() => window.print()}>Print</button>}
          />
        )}
      </main>
    </>
  );
}
