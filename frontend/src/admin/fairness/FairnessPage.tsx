/** Bias-audit summary of one assessment, laid out like NYC Local Law 144 summaries: per category
 * (sex, race/ethnicity, both) the number of applicants, selection and scoring rates and impact
 * ratios, with the four-fifths flag; small and unknown groups noted. */
import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api/client";
import { navigate } from "../../router";
import { Alert, Link, Loading, PageHeading, formatDateTime, formatNumber } from "../../ui/components";
import { BarChart } from "../../ui/BarChart";
import { useApi } from "../../ui/useApi";

type Report = Schemas["FairnessReport"];
type Rates = Schemas["CategoryRates"];

const WORDS: Record<string, string> = {
  male: "Male",
  female: "Female",
  hispanic_or_latino: "Hispanic or Latino",
  white: "White",
  black_or_african_american: "Black or African American",
  native_hawaiian_or_other_pacific_islander: "Native Hawaiian or Other Pacific Islander",
  asian: "Asian",
  american_indian_or_alaska_native: "American Indian or Alaska Native",
  two_or_more_races: "Two or More Races",
  unknown: "Unknown (not given)",
};

export function categoryName(c: string): string {
  return c
    .split("/")
    .map((p) => WORDS[p] ?? p.replace(/_/g, " "))
    .join(" · ");
}

function rate(v: number | null): string {
  return v === null ? "—" : `${(v * 100).toFixed(1)}%`;
}

function ratio(v: number | null, low: boolean | null) {
  if (v === null) return <span class="muted">—</span>;
  return (
    <span class={low ? "ratio ratio-low" : "ratio"}>
      {v.toFixed(3)}
      {low && <span class="badge badge-flag">below 4/5</span>}
    </span>
  );
}

/** Impact ratios as bars with the 0.8 line (groups without a ratio are left out). */
function ImpactChart(props: { id: string; rows: Rates[]; kind: "selection" | "scoring"; title: string }) {
  const value = (r: Rates) => (props.kind === "selection" ? r.selection_impact_ratio : r.scoring_impact_ratio);
  const rows = props.rows.filter((r) => value(r) !== null);
  if (rows.length === 0) return null;
  return (
    <BarChart
      id={props.id}
      title={props.title}
      figureClass="impact-chart"
      description={rows.map((r) => `${categoryName(r.category)}: ${value(r)!.toFixed(3)}`).join("; ")}
      rows={rows.map((r) => {
        const name = categoryName(r.category);
        const low = props.kind === "selection" ? r.selection_below_four_fifths : r.scoring_below_four_fifths;
        return { key: r.category, label: name.length > 34 ? `${name.slice(0, 33)}…` : name, value: value(r),
          text: value(r)!.toFixed(2), tone: low ? "flag" : undefined };
      })}
      width={640}
      labelWidth={250}
      valueWidth={60}
      rowHeight={26}
      barHeight={14}
      ticks={[0, 0.5, 1]}
      mark={{ at: 0.8, label: "0.8" }}
      minBar={1}
    />
  );
}

function CategoryTable(props: { id: string; title: string; rows: Rates[]; hasThreshold: boolean; minGroup: number; decisions?: boolean }) {
  const scoring = !props.decisions;
  const shown = props.rows.filter((r) => r.n > 0 || !r.category.includes("/"));
  const hidden = props.rows.length - shown.length;
  return (
    <section class="card fairness-card" aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>{props.title}</h2>
      {/* Focusable so that a keyboard can scroll the table sideways on a narrow screen. */}
      <div class="table-wrap" role="region" aria-label={`${props.title} (table)`} tabIndex={0}>
        <table class="table fairness-table" id={`${props.id}-table`}>
          <caption class="sr-only">{props.title}: applicants, rates and impact ratios</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">{props.decisions ? "Decided" : "Number of applicants"}</th>
              {props.hasThreshold && <th scope="col">{props.decisions ? "Advanced" : "Selected"}</th>}
              {props.hasThreshold && <th scope="col">Selection rate</th>}
              {props.hasThreshold && <th scope="col">Impact ratio</th>}
              {scoring && <th scope="col">Scoring rate</th>}
              {scoring && <th scope="col">Scoring impact ratio</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.category} class={r.n === 0 ? "empty-group" : undefined}>
                <th scope="row">
                  {categoryName(r.category)}
                  {r.small_sample && r.category !== "unknown" && <span class="badge badge-small">fewer than {props.minGroup}</span>}
                </th>
                <td>{r.n}</td>
                {props.hasThreshold && <td>{r.selected ?? "—"}</td>}
                {props.hasThreshold && <td>{rate(r.selection_rate)}</td>}
                {props.hasThreshold && <td>{ratio(r.selection_impact_ratio, r.selection_below_four_fifths)}</td>}
                {scoring && <td>{rate(r.scoring_rate)}</td>}
                {scoring && <td>{ratio(r.scoring_impact_ratio, r.scoring_below_four_fifths)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {hidden > 0 && <p class="small muted">{hidden} combination{hidden === 1 ? "" : "s"} with no applicants not shown.</p>}
      <ImpactChart id={`${props.id}-chart`} rows={props.rows} kind={props.hasThreshold ? "selection" : "scoring"}
        title={`${props.title}: ${props.hasThreshold ? "selection" : "scoring"} impact ratios; the line marks 0.8`} />
    </section>
  );
}

export function FairnessPage(props: { id: string; query: URLSearchParams }) {
  const thresholdParam = props.query.get("threshold") ?? "";
  const minParam = props.query.get("min_group_size") ?? "";
  const [threshold, setThreshold] = useState(thresholdParam);
  const [minGroup, setMinGroup] = useState(minParam || "5");
  const [formError, setFormError] = useState<string | null>(null);

  // A new threshold keeps the report shown until the recomputed one arrives.
  const { data: report, error } = useApi<Report>(
    () => {
      const query: { threshold?: number; min_group_size?: number } = {};
      if (thresholdParam) query.threshold = Number(thresholdParam);
      if (minParam) query.min_group_size = Number(minParam);
      return call(api.GET("/api/reports/assessments/{assessment_id}/fairness", { params: { path: { assessment_id: props.id }, query } }));
    },
    [props.id, thresholdParam, minParam],
    { keep: true },
  );

  function apply(e: Event) {
    e.preventDefault();
    const t = threshold.trim();
    const m = minGroup.trim();
    if (t && (!/^\d+(\.\d+)?$/.test(t) || Number(t) > 100)) return setFormError("The threshold is a score from 0 to 100, or empty.");
    if (!/^\d+$/.test(m) || Number(m) < 1 || Number(m) > 1000) return setFormError("The smallest group is a whole number from 1 to 1000.");
    setFormError(null);
    const q = new URLSearchParams({ tab: "scores" });
    if (t) q.set("threshold", t);
    if (m !== "5") q.set("min_group_size", m);
    const s = q.toString();
    navigate(`/app/assessments/${props.id}/fairness${s ? `?${s}` : ""}`, { replace: true });
  }

  const crumbs = (
    <nav class="crumbs no-print" aria-label="Breadcrumb">
      <Link href={`/app/assessments/${props.id}`}>{report?.assessment_title ?? "Assessment"}</Link>
    </nav>
  );
  if (error) return <>{crumbs}<Alert>{error}</Alert></>;
  if (!report) return <>{crumbs}<Loading label="Loading the fairness report…" /></>;
  const hasThreshold = report.threshold !== null;
  const tab = props.query.get("tab") === "scores" ? "scores" : "decisions";
  const tabHref = (t: string) => {
    const q = new URLSearchParams(props.query);
    if (t === "decisions") q.delete("tab"); else q.set("tab", t);
    const s = q.toString();
    return `/app/assessments/${props.id}/fairness${s ? `?${s}` : ""}`;
  };
  const d = report.decisions;
  return (
    <div class="fairness-page">
      {crumbs}
      <p class="eyebrow">{report.assessment_title}</p>
      <PageHeading title={`Fairness: ${report.assessment_title}`}>Fairness report</PageHeading>
      <p class="small muted">Summary of impact ratios by category, as in NYC Local Law 144 bias audits · generated {formatDateTime(report.generated_at)}</p>

      <nav class="tabs no-print" aria-label="Fairness views">
        <Link href={tabHref("decisions")} class={tab === "decisions" ? "tab current" : "tab"} current={tab === "decisions"}>
          From decisions
        </Link>
        <Link href={tabHref("scores")} class={tab === "scores" ? "tab current" : "tab"} current={tab === "scores"}>
          Score threshold
        </Link>
      </nav>
      {tab === "decisions" && d && (
        <>
          <dl class="metric-facts fairness-facts">
            <div><dt>Candidates with a decision</dt><dd data-fact="decided">{d.decided}</dd></div>
            <div><dt>Advanced (selected)</dt><dd data-fact="advanced">{d.advanced}</dd></div>
            <div><dt>Completed, no decision yet</dt><dd data-fact="undecided">{d.undecided}</dd></div>
          </dl>
          <p class="small muted">
            Selected means a person advanced the candidate; on hold and rejected count as not selected. Candidates without a
            decision are left out of the rates{d.undecided ? `: ${d.undecided} completed candidate${d.undecided === 1 ? " has" : "s have"} none yet` : ""}.
          </p>
          {d.decided === 0 && <Alert kind="info">Nobody has been advanced, put on hold or rejected yet: the tables fill in as decisions are recorded.</Alert>}
          <CategoryTable id="dsex" title="Sex" rows={d.sex} hasThreshold decisions minGroup={report.min_group_size} />
          <CategoryTable id="drace" title="Race/Ethnicity" rows={d.race_ethnicity} hasThreshold decisions minGroup={report.min_group_size} />
          <CategoryTable id="dboth" title="Intersectional: sex and race/ethnicity" rows={d.intersectional} hasThreshold decisions minGroup={report.min_group_size} />
        </>
      )}
      {tab === "scores" && (<>
      <form class="card fairness-form no-print" onSubmit={apply} aria-label="Report settings">
        <div class="field field-narrow">
          <label for="threshold">Selection threshold</label>
          <input id="threshold" type="number" min={0} max={100} step="any" placeholder="none" value={threshold}
            onInput={(e) => setThreshold(e.currentTarget.value)} />
          <span class="help">Selected: overall score at or above it (0–100). Empty: scoring rates only.</span>
        </div>
        <div class="field field-narrow">
          <label for="min-group">Smallest reference group</label>
          <input id="min-group" type="number" min={1} max={1000} value={minGroup} onInput={(e) => setMinGroup(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn btn-primary">Update</button>
        {formError && <p class="text-error small full">{formError}</p>}
      </form>

      <dl class="metric-facts fairness-facts">
        <div><dt>Completed candidates</dt><dd data-fact="candidates">{report.candidates}</dd></div>
        <div><dt>With an overall score</dt><dd data-fact="scored">{report.scored}</dd></div>
        <div><dt>Not scored yet</dt><dd data-fact="unscored">{report.unscored}</dd></div>
        <div><dt>Median score</dt><dd data-fact="median">{formatNumber(report.median_score, 1)}</dd></div>
        <div><dt>Selected means</dt><dd class="basis">{report.selection_basis ?? "no threshold"}</dd></div>
      </dl>

      {report.candidates === 0 && (
        <Alert kind="info">No candidate has completed this assessment yet: the tables fill in as candidates complete it.</Alert>
      )}
      <CategoryTable id="sex" title="Sex" rows={report.sex} hasThreshold={hasThreshold} minGroup={report.min_group_size} />
      <CategoryTable id="race" title="Race/Ethnicity" rows={report.race_ethnicity} hasThreshold={hasThreshold} minGroup={report.min_group_size} />
      {report.intersectional.length > 0 && (
        <CategoryTable id="both" title="Intersectional: sex and race/ethnicity" rows={report.intersectional} hasThreshold={hasThreshold} minGroup={report.min_group_size} />
      )}
      </>)}

      <section class="section" aria-labelledby="notes-h">
        <h2 id="notes-h">Notes</h2>
        <ul class="bullets fairness-notes">
          {tab === "decisions" ? (<>
            <li>Candidates who completed the assessment and have a decision a person recorded: advanced, on hold or rejected.</li>
            <li>Selection rate: share of the category's decided candidates who were advanced.</li>
            <li>
              Impact ratio: the category's selection rate divided by the highest rate among categories with at least{" "}
              {report.min_group_size} people; below 0.8 fails the four-fifths rule of thumb.
            </li>
            <li>'unknown': the candidate did not volunteer the information; counted, no impact ratio.</li>
          </>) : report.notes.map((n, i) => <li key={i}>{n}</li>)}
          <li>
            Groups with fewer than {report.min_group_size} applicants are marked: their rates rest on very few people. They are
            not the reference for impact ratios unless no group is that large.
          </li>
        </ul>
      </section>
    </div>
  );
}
