/** Who works on an assessment: the reviewers and hiring managers assigned to it.
 * Admins assign; everyone who sees the assessment sees the list. */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { Alert, Loading } from "../ui/components";
import { useApi, useSubmit } from "../ui/useApi";

type Member = Schemas["MemberOut"];

export function AssessmentMembers(props: { assessmentId: string; isAdmin: boolean }) {
  const path = { params: { path: { assessment_id: props.assessmentId } } };
  const { data: members, error, setData } = useApi<Member[]>(
    () => call(api.GET("/api/assessments/{assessment_id}/members", path)),
    [props.assessmentId],
  );
  const { data: team, error: teamError, reload: reloadTeam } = useApi<Schemas["UserOut"][]>(
    () => (props.isAdmin ? call(api.GET("/api/users")) : Promise.resolve([])),
    [props.isAdmin],
  );
  const [editing, setEditing] = useState(false);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const save = useSubmit(() => call(api.PUT("/api/assessments/{assessment_id}/members", { ...path, body: { user_ids: [...picked] } })));

  if (error) return <Alert>{error}</Alert>;
  if (!members) return <Loading />;
  const candidates = (team ?? []).filter((u) => u.role !== "admin" && u.is_active);
  return (
    <section class="section" aria-labelledby="members-h">
      <h2 id="members-h">Who works on it</h2>
      <p class="muted small">
        Hiring managers see only the assessments assigned to them. Reviewers see the ones assigned
        to them and every assessment with no reviewer assigned. Admins see everything.
      </p>
      {members.length === 0 ? <p class="muted">Nobody is assigned: every reviewer sees it; no hiring manager does.</p> : (
        <ul class="members">
          {members.map((m) => (
            <li key={m.user_id}>{m.name} <span class="role-tag">{m.role.replace("_", " ")}</span>{!m.is_active && <span class="small muted"> (deactivated)</span>}</li>
          ))}
        </ul>
      )}
      {props.isAdmin && !editing && (
        <button type="button" class="btn" onClick={() => { setPicked(new Set(members.map((m) => m.user_id))); setEditing(true); }}>
          Assign people
        </button>
      )}
      {props.isAdmin && editing && (
        <form aria-label="Assign people" onSubmit={async (e) => {
          e.preventDefault();
          const out = await save.submit();
          if (out) { setData(out); setEditing(false); }
        }}>
          <fieldset>
            <legend>Reviewers and hiring managers</legend>
            {teamError ? (
              <Alert>
                The team could not be loaded: {teamError}{" "}
                <button type="button" class="btn btn-quiet" onClick={() => void reloadTeam()}>Try again</button>
              </Alert>
            ) : !team ? <Loading /> : candidates.length === 0 && (
              <p class="muted">Invite reviewers or hiring managers under Settings → Team first.</p>
            )}
            {candidates.map((u) => (
              <label key={u.id} class="check">
                <input type="checkbox" checked={picked.has(u.id)} onChange={(e) => {
                  const next = new Set(picked);
                  if (e.currentTarget.checked) next.add(u.id); else next.delete(u.id);
                  setPicked(next);
                }} />
                {u.name} <span class="role-tag">{u.role.replace("_", " ")}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" class="btn btn-primary" disabled={save.busy}>{save.busy ? "Saving…" : "Save assignment"}</button>
          <button type="button" class="btn btn-quiet" onClick={() => setEditing(false)}>Cancel</button>
          {save.error && <Alert>{save.error}</Alert>}
        </form>
      )}
    </section>
  );
}
