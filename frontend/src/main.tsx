/** Entry point: one router for the staff console and the candidate interview. */
import { render } from "preact";
import { AgreementPage } from "./admin/curation/AgreementPage";
import { FairnessPage } from "./admin/fairness/FairnessPage";
import { SettingsPage } from "./admin/settings/SettingsPage";
import { BankPage } from "./admin/bank/BankPage";
import { BuilderPage } from "./admin/builder/BuilderPage";
import { NewAssessment } from "./admin/onboarding/NewAssessment";
import { CandidateApp } from "./candidate/CandidateApp";
import { OptOutPage } from "./candidate/OptOut";
import { AnswerPage } from "./report/AnswerPage";
import { ComparePage } from "./report/ComparePage";
import { ReportPage } from "./report/ReportPage";
import { SharedReport } from "./report/SharedReport";
import { ShortlistPage } from "./report/ShortlistPage";
import { ReviewPage } from "./review/ReviewPage";
import { ReviewQueue } from "./review/ReviewQueue";
import { match, useLocation } from "./router";
import { AssessmentDetail } from "./staff/AssessmentDetail";
import { Assessments } from "./staff/Assessments";
import { Login } from "./staff/Login";
import { AccountPage } from "./staff/account/AccountPage";
import { ForgotPassword } from "./staff/account/ForgotPassword";
import { SetPasswordPage } from "./staff/account/SetPasswordPage";
import { StaffShell } from "./staff/StaffShell";
import { PageHeading } from "./ui/components";
import "./styles.css";

function App() {
  const { path, query } = useLocation();
  let params: Record<string, string> | null;

  if ((params = match("/i/:token", path))) return <CandidateApp key={params.token} token={params.token!} />;
  if ((params = match("/opt-out/:token", path))) return <OptOutPage key={params.token} token={params.token!} />;
  if (path === "/login") return <Login next={query.get("next")} />;
  if (path === "/forgot") return <ForgotPassword />;
  if ((params = match("/account/:token", path))) return <SetPasswordPage key={params.token} token={params.token!} />;
  if (path === "/app/account") return <StaffShell><AccountPage /></StaffShell>;
  if (path === "/app" || path === "/app/") return <StaffShell><Assessments /></StaffShell>;
  if ((params = match("/share/:token", path))) return <SharedReport key={params.token} token={params.token!} />;
  if (path === "/app/review" || path === "/app/review/") {
    return <StaffShell wide><ReviewQueue query={query} /></StaffShell>;
  }
  if ((params = match("/app/review/:responseId", path))) {
    return <StaffShell wide><ReviewPage key={params.responseId} id={params.responseId!} query={query} /></StaffShell>;
  }
  if ((params = match("/app/answers/:responseId", path))) {
    return <StaffShell><AnswerPage key={params.responseId} id={params.responseId!} back={query.get("back")} /></StaffShell>;
  }
  if ((params = match("/app/reports/:invitationId", path))) {
    return <StaffShell><ReportPage key={params.invitationId} id={params.invitationId!} /></StaffShell>;
  }
  // Admin part 2: agreement dashboard and exemplars, fairness report, organization settings.
  if ((params = match("/app/questions/:questionId/agreement", path))) {
    return <StaffShell><AgreementPage key={params.questionId} questionId={params.questionId!} /></StaffShell>;
  }
  if ((params = match("/app/assessments/:id/fairness", path))) {
    return <StaffShell><FairnessPage key={params.id} id={params.id!} query={query} /></StaffShell>;
  }
  if (path === "/app/settings" || path === "/app/settings/") return <StaffShell><SettingsPage /></StaffShell>;
  if ((params = match("/app/assessments/:id/shortlist", path))) {
    return <StaffShell wide><ShortlistPage key={params.id} id={params.id!} /></StaffShell>;
  }
  if ((params = match("/app/assessments/:id/compare", path))) {
    return <StaffShell wide><ComparePage key={params.id} id={params.id!} /></StaffShell>;
  }
  if (path === "/app/assessments/new") return <StaffShell><NewAssessment query={query} /></StaffShell>;
  if ((params = match("/app/assessments/:id/edit", path))) {
    return <StaffShell><BuilderPage key={params.id} id={params.id!} /></StaffShell>;
  }
  if (path === "/app/bank" || path === "/app/bank/") return <StaffShell><BankPage /></StaffShell>;
  if ((params = match("/app/assessments/:id", path))) {
    return <StaffShell><AssessmentDetail id={params.id!} /></StaffShell>;
  }
  if (path === "/") {
    // The address becomes /app and its page renders now. (A navigate() from here would fire
    // before this component's location listener exists, leaving a blank page.) Signed out,
    // the shell sends the visitor on to the sign-in page.
    history.replaceState(null, "", "/app");
    return <StaffShell><Assessments /></StaffShell>;
  }
  return (
    <main class="candidate-page narrow">
      <PageHeading title="Page not found">Page not found</PageHeading>
      <p>
        <a href="/app">Go to Viva</a>
      </p>
    </main>
  );
}

render(<App />, document.getElementById("app")!);
