/** The funnel of one assessment (or the organization): counts as bars, rates, medians, drop-off. */
import type { ComponentChildren } from "preact";
import { api, call, type Schemas } from "../../api/client";
import { BarChart } from "../../ui/BarChart";
import { Alert, Loading } from "../../ui/components";
import { useApi } from "../../ui/useApi";

type FunnelOut = Schemas["Funnel"];

function pct(v: number | null): string {
  return v === null ? "—" : `${Math.round(v * 100)}%`;
}

/** A median duration given in minutes or hours: short ones in minutes, then hours, then days. */
function duration(v: number | null, unit: "min" | "h"): string {
  if (v === null) return "—";
  const minutes = unit === "min" ? v : v * 60;
  if (minutes < 1) return "under a minute";
  if (minutes < 89.5) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
}

export function FunnelView(props: {
  assessmentId?: string;
  version?: number;
  names?: Record<string, string>;
  title?: string;
  children?: ComponentChildren;
}) {
  const id = props.assessmentId;
  const loaded = useApi<FunnelOut>(
    () => (id ? call(api.GET("/api/assessments/{assessment_id}/funnel", { params: { path: { assessment_id: id } } })) : call(api.GET("/api/funnel"))),
    [id, props.version],
  );
  const f = loaded.data;
  const name = (s: string, fallback: string) => props.names?.[s] ?? fallback;
  return (
    <section class="section funnel" aria-labelledby="funnel-h">
      <h2 id="funnel-h">{props.title ?? "Funnel"}</h2>
      {props.children}
      {loaded.error && <Alert>{loaded.error}</Alert>}
      {!f && !loaded.error && <Loading label="Loading the funnel…" />}
      {f && <FunnelBody f={f} name={name} />}
    </section>
  );
}

function FunnelBody(props: { f: FunnelOut; name: (s: string, fallback: string) => string }) {
  const { f, name } = props;
  const top = Math.max(f.invited, 1);
  const steps: [string, string, number][] = [
    ["invited", name("invited", "Invited"), f.invited],
    ["started", name("started", "Started"), f.started],
    ["completed", name("completed", "Completed"), f.completed],
    ["reviewed", name("reviewed", "Reviewed"), f.reviewed],
    ["decided", "Decided", f.decided],
  ];
  const decisions: [string, string][] = [
    ["advanced", name("advanced", "Advanced")],
    ["on_hold", name("on_hold", "On hold")],
    ["rejected", name("rejected", "Rejected")],
  ];
  const dropMax = Math.max(1, ...f.drop_off.map((d) => d.stopped));
  return (
    <>
      <BarChart
        id="funnel-chart"
        title="Candidates at each step"
        description={steps.map(([, label, n]) => `${label}: ${n}`).join("; ")}
        figureClass="funnel-chart"
        rows={steps.map(([key, label, n]) => ({ key, label, value: n / top, text: String(n), metric: `funnel-${key}` }))}
        width={560}
        labelWidth={120}
        valueWidth={50}
        ticks={[]}
        minBar={1}
      />
      <dl class="funnel-figures">
        {decisions.map(([key, label]) => (
          <div key={key} class={`funnel-fig fig-${key}`}>
            <dt>{label}</dt>
            <dd data-metric={`decision-${key}`}>{f.decisions[key] ?? 0}</dd>
          </div>
        ))}
        <div class="funnel-fig">
          <dt>Completion rate</dt>
          <dd data-metric="completion-rate">{pct(f.completion_rate)}</dd>
        </div>
        <div class="funnel-fig">
          <dt>Of those who started</dt>
          <dd>{pct(f.start_to_complete_rate)}</dd>
        </div>
        <div class="funnel-fig">
          <dt>Median time to complete</dt>
          <dd>{duration(f.median_minutes_to_complete, "min")}</dd>
        </div>
        <div class="funnel-fig">
          <dt>Median completion → review</dt>
          <dd>{duration(f.median_hours_to_review, "h")}</dd>
        </div>
        <div class="funnel-fig">
          <dt>Median completion → decision</dt>
          <dd>{duration(f.median_hours_to_decision, "h")}</dd>
        </div>
      </dl>
      {f.drop_off.length > 0 && !f.drop_off.some((d) => d.stopped > 0) && (
        <p class="small muted">Nobody who started has stopped part-way.</p>
      )}
      {f.drop_off.some((d) => d.stopped > 0) && (
        <BarChart
          id="dropoff-chart"
          title="Where candidates who did not finish stopped"
          description={f.drop_off.map((d) => `Q${d.number}: ${d.stopped}`).join("; ")}
          figureClass="dropoff-chart"
          rows={f.drop_off.map((d) => ({
            key: d.question_id,
            label: `Q${d.number}: ${d.prompt.length > 24 ? `${d.prompt.slice(0, 23)}…` : d.prompt}`,
            value: d.stopped / dropMax,
            text: String(d.stopped),
          }))}
          width={560}
          labelWidth={240}
          valueWidth={40}
          rowHeight={24}
          barHeight={12}
          ticks={[]}
          minBar={1}
        />
      )}
    </>
  );
}
