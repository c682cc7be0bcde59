/** The organization's assessments. */
import { useContext } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { Alert, Link, Loading, PageHeading } from "../ui/components";
import { MeContext } from "./StaffShell";
import { useApi } from "../ui/useApi";
import { OrganizationFunnel } from "./stages/OrganizationFunnel";

export function Assessments() {
  const me = useContext(MeContext);
  const { data: items, error } = useApi<Schemas["AssessmentSummary"][]>(() => call(api.GET("/api/assessments")), []);

  return (
    <>
      <div class="title-row list-head">
        <PageHeading title="Assessments">Assessments</PageHeading>
        {me?.role === "admin" && (
          <Link href="/app/assessments/new" class="btn btn-primary">New assessment</Link>
        )}
      </div>
      {error && <Alert>{error}</Alert>}
      {!items && !error && <Loading />}
      {items && items.length === 0 && (
        <p class="muted">
          No assessments yet.{me?.role === "admin" ? " Start with “New assessment”: a template gets you ready to invite in a few minutes." : ""}
        </p>
      )}
      {items && items.length > 0 && (
        <ul class="card-list" aria-label="Assessments">
          {items.map((a) => (
            <li key={a.id} class="card">
              <h2 class="card-title">
                <Link href={`/app/assessments/${a.id}`}>{a.title}</Link>
              </h2>
              <p class="muted">{a.role}</p>
              <p class="meta">
                <span class={`badge badge-${a.status}`}>{a.status}</span>
                <span>
                  {a.question_count} question{a.question_count === 1 ? "" : "s"}
                </span>
              </p>
            </li>
          ))}
        </ul>
      )}
      {me?.role === "admin" && items && items.length > 0 && <OrganizationFunnel />}
    </>
  );
}
