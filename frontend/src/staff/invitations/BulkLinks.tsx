import { useEffect, useRef } from "preact/hooks";
import type { Bulk } from "./types";

/** The links a CSV import made, shown once, with what happens to the emails. */
export function BulkLinks(props: { bulk: Bulk; onDismiss: () => void }) {
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), [props.bulk]);
  const csv = ["name,email,link", ...props.bulk.invitations.map((i) => [i.candidate_name, i.candidate_email, i.link].map(csvCell).join(","))].join("\n");
  return (
    <section class="card new-link" ref={panel} tabIndex={-1} aria-labelledby="bulk-h">
      <h3 id="bulk-h">
        Invited {props.bulk.created} candidate{props.bulk.created === 1 ? "" : "s"}
      </h3>
      <p class={props.bulk.email.status === "queued" ? "" : "warn-text"}>{props.bulk.email.message}</p>
      <p class="warn-text">These links are shown <strong>only once</strong>.</p>
      <div class="table-wrap">
        <table class="table">
          <caption class="sr-only">New invitation links</caption>
          <thead>
            <tr>
              <th scope="col">Candidate</th>
              <th scope="col">Link</th>
            </tr>
          </thead>
          <tbody>
            {props.bulk.invitations.map((i) => (
              <tr key={i.id}>
                <td>
                  <div class="cand-name">{i.candidate_name}</div>
                  <div class="muted small">{i.candidate_email}</div>
                </td>
                <td>
                  <input class="mono link-cell" readOnly value={i.link} aria-label={`Link for ${i.candidate_name}`} onFocus={(e) => e.currentTarget.select()} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="actions-row">
        <a class="btn btn-small" href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`} download="invitation-links.csv">
          Download the links (CSV)
        </a>
        <button type="button" class="btn btn-small" onClick={props.onDismiss}>Done, hide the links</button>
      </div>
    </section>
  );
}

export function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
