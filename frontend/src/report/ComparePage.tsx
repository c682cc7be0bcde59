/** Candidates of one assessment side by side on dimensions and overall. */
import { useContext } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { MeContext } from "../staff/StaffShell";
import { Alert, Link, Loading, PageHeading, formatNumber } from "../ui/components";
import { MiniBar } from "./ScoreChart";
import { useApi } from "../ui/useApi";

export function ComparePage(props: { id: string }) {
  const me = useContext(MeContext);
  const { data, error } = useApi<Schemas["CompareOut"]>(
    () => call(api.GET("/api/reports/assessments/{assessment_id}/compare", { params: { path: { assessment_id: props.id } } })),
    [props.id],
  );
  const crumbs = (
    <nav class="crumbs" aria-label="Breadcrumb">
      <Link href={`/app/assessments/${props.id}`}>{data?.assessment_title ?? "Assessment"}</Link>
    </nav>
  );
  if (error) return <>{crumbs}<Alert>{error}</Alert></>;
  if (!data) return <>{crumbs}<Loading label="Loading the comparison…" /></>;
  return (
    <>
      {crumbs}
      <PageHeading title={`Compare: ${data.assessment_title}`}>Compare candidates</PageHeading>
      <div class="title-actions">
        <p class="lead">{data.assessment_title}</p>
        {me?.role === "admin" && (
          <Link href={`/app/assessments/${props.id}/fairness`} class="btn btn-small">Fairness report</Link>
        )}
      </div>
      <p class="small muted">
        Scores out of 100 with their intervals. Overlapping intervals mean the difference is not clear; scores that still
        include unconfirmed AI suggestions are marked.
      </p>
      {data.rows.length === 0 ? (
        <div class="card empty"><p>No candidate has answers yet.</p></div>
      ) : (
        <div class="table-wrap">
          <table class="table compare-table">
            <caption class="sr-only">Candidates by dimension and overall</caption>
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col">Overall</th>
                {data.dimensions.map((d) => (
                  <th scope="col" key={String(d.name)}>
                    {String(d.name)} <span class="muted">{formatNumber(Number(d.weight), 0)}%</span>
                  </th>
                ))}
                <th scope="col">Human-decided</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row) => (
                <tr key={row.invitation_id}>
                  <th scope="row">
                    <Link href={`/app/reports/${row.invitation_id}`} class="cand-name">{row.candidate_name}</Link>
                    <div><span class={`badge badge-${row.status}`}>{row.status}</span></div>
                  </th>
                  <td><MiniBar score={row.overall} /></td>
                  {data.dimensions.map((d) => {
                    const score = row.dimensions.find((x) => x.name === d.name);
                    return <td key={String(d.name)}>{score ? <MiniBar score={score} /> : <span class="muted">—</span>}</td>;
                  })}
                  <td>
                    {row.confirmed} of {row.confirmed + row.unconfirmed}
                    {row.unconfirmed > 0 && <div class="small unconfirmed">{row.unconfirmed} unconfirmed</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
