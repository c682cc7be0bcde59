/** The public, read-only page behind a share link: no sign-in, no staff chrome. */
import { useEffect, useState } from "preact/hooks";
import { api, call, errorMessage, type Schemas } from "../api/client";
import { Alert, Loading, PageHeading } from "../ui/components";
import { ReportView } from "./ReportView";

export function SharedReport(props: { token: string }) {
  const [report, setReport] = useState<Schemas["InvitationReport"] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // 404 (unknown link) and 410 (revoked or expired) carry a message written for the reader.
    call(api.GET("/api/share/{token}", { params: { path: { token: props.token } } })).then(setReport, (err: unknown) =>
      setError(errorMessage(err)),
    );
  }, [props.token]);
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
