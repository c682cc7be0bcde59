import { useRef, useState } from "preact/hooks";
import { ApiError, api, call } from "../../api/client";
import { Alert } from "../../ui/components";
import { useSubmit } from "../../ui/useApi";
import { type Bulk, type RowError } from "./types";

/** Upload a CSV of candidates: all rows are invited, or none and every bad row is listed. */
export function CsvImport(props: { assessmentId: string; onImported: (b: Bulk) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [rows, setRows] = useState<RowError[]>([]);
  const input = useRef<HTMLInputElement>(null);
  // All rows or none: a refusal lists every bad row.
  const { submit: upload, busy, error, setError } = useSubmit(async (form: FormData) => {
    try {
      return await call(
        api.POST("/api/assessments/{assessment_id}/invitations/csv", {
          params: { path: { assessment_id: props.assessmentId } },
          body: form as never,
        }),
      );
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.body.errors)) setRows(err.body.errors as RowError[]);
      throw err;
    }
  });

  async function submit(event: Event) {
    event.preventDefault();
    if (!file) {
      setError("Choose a CSV file first.");
      return;
    }
    setRows([]);
    const form = new FormData();
    form.append("file", file, file.name);
    const out = await upload(form);
    if (!out) return;
    setFile(null);
    if (input.current) input.current.value = "";
    props.onImported(out);
  }

  return (
    <form class="card csv-form" onSubmit={submit} aria-labelledby="csv-h">
      <h3 id="csv-h">Invite from a CSV file</h3>
      <p class="small muted" id="csv-help">
        A header row, then one candidate per row: <code>name,email</code> and optionally <code>extra_time_pct</code>,{" "}
        <code>expires_in_days</code>. Every row is checked first; if any row is wrong, nobody is invited.
      </p>
      <div class="field">
        <label for="csv-file">CSV file</label>
        <input
          id="csv-file"
          ref={input}
          type="file"
          accept=".csv,text/csv,text/plain"
          aria-describedby="csv-help"
          onChange={(e) => {
            setFile(e.currentTarget.files?.[0] ?? null);
            setError(null);
            setRows([]);
          }}
        />
      </div>
      {error && <Alert>{error}</Alert>}
      {rows.length > 0 && (
        <div class="table-wrap csv-errors" role="region" aria-label="Rows to fix" tabIndex={0}>
          <table class="table">
            <caption class="sr-only">Rows of the file that cannot be imported</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>{r.row}</td>
                  <td class="mono">{r.column ?? "—"}</td>
                  <td>{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? "Uploading…" : "Upload and invite"}
      </button>
    </form>
  );
}
