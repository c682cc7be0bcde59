/** Staff view of a candidate's report: print, downloads and share links. */
import { useContext } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { MeContext } from "../staff/StaffShell";
import { Alert, Link, Loading } from "../ui/components";
import { CandidateDataPanel } from "./CandidateDataPanel";
import { EnglishReviewPanel } from "./EnglishReviewPanel";
import { ReportView } from "./ReportView";
import { SharePanel } from "./SharePanel";
import { TeamFeedbackPanel } from "./TeamFeedbackPanel";
import { useApi } from "../ui/useApi";

export function ReportPage(props: { id: string }) {
  const me = useContext(MeContext);
  const { data: report, error, setData: setReport } = useApi<Schemas["InvitationReport"]>(
    () => call(api.GET("/api/reports/invitations/{invitation_id}", { params: { path: { invitation_id: props.id } } })),
    [props.id],
  );

  if (error) return <><nav class="crumbs"><Link href="/app/review?view=candidates">Candidates</Link></nav><Alert>{error}</Alert></>;
  if (!report) return <Loading label="Loading the report…" />;
  const base = `/api/reports/invitations/${encodeURIComponent(report.invitation_id)}`;
  return (
    <>
      <nav class="crumbs no-print" aria-label="Breadcrumb">
        <Link href={`/app/assessments/${report.assessment_id}`}>{report.assessment_title}</Link>
      </nav>
      <ReportView
        report={report}
        watchOnly={me?.role === "hiring_manager"}
        actions={
          <>
            <button type="button" class="btn" onClick={() => window.print()}>Print</button>
            <a class="btn" href={`${base}?format=csv`} download>Download CSV</a>
            <a class="btn" href={`${base}?format=json`} download>Download JSON</a>
            <Link class="btn" href={`/app/assessments/${report.assessment_id}/compare`}>Compare</Link>
          </>
        }
      />
      <TeamFeedbackPanel invitationId={report.invitation_id} />
      {me?.role !== "hiring_manager" && (
        <EnglishReviewPanel
          invitationId={report.invitation_id}
          english={report.english}
          onSaved={(english) => setReport({ ...report, english })}
        />
      )}
      {me?.role === "admin" && <SharePanel invitationId={report.invitation_id} />}
      {me?.role === "admin" && (
        <CandidateDataPanel invitationId={report.invitation_id} candidateName={report.candidate_name} assessmentId={report.assessment_id} />
      )}
    </>
  );
}
