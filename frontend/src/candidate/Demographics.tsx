/**
 * The voluntary questions after the interview is submitted, on their own screen before the
 * thank-you: sex and race/ethnicity in the categories a NYC Local Law 144 bias audit reports
 * (EEO-1). Optional ("Prefer not to say" on each, and Skip), stored apart from the answers,
 * never shown to reviewers or hiring managers, never used in scoring. Saving again replaces
 * what was given (the API's PUT is an idempotent update); both "Prefer not to say" removes it.
 * Its strings are in the candidate catalogs (i18n/locales, `demographics`), like the rest of the flow.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, call, type Schemas } from "../api/client";
import { t, useT } from "../i18n";
import { Rich } from "../i18n/rich";
import { Alert, Loading, PageHeading } from "../ui/components";
import { useApi, useSubmit } from "../ui/useApi";

type Demographics = Schemas["Demographics"];
type Sex = NonNullable<Demographics["sex"]>;
type Race = NonNullable<Demographics["race_ethnicity"]>;

const SEX: Sex[] = ["female", "male"];

const RACE: Race[] = [
  "hispanic_or_latino",
  "white",
  "black_or_african_american",
  "native_hawaiian_or_other_pacific_islander",
  "asian",
  "american_indian_or_alaska_native",
  "two_or_more_races",
];

const PREFER_NOT = "";

function storageKey(token: string): string {
  return `viva:${token.slice(0, 12)}:demographics-asked`;
}

function alreadyAsked(token: string): boolean {
  try {
    return localStorage.getItem(storageKey(token)) === "1";
  } catch {
    return false;
  }
}

function rememberAsked(token: string): void {
  try {
    localStorage.setItem(storageKey(token), "1");
  } catch {
    /* private mode: the questions may be offered again after a reload, still optional */
  }
}

/**
 * Shown once the interview is submitted: the voluntary questions first (unless this browser
 * already answered or skipped them, or something was volunteered before), then `children` (the
 * thank-you), with a way back to change or withdraw what was volunteered.
 */
export function AfterInterview(props: { token: string; children: ComponentChildren }) {
  const { token } = props;
  useT();
  const given = useApi(
    () => call(api.GET("/api/candidate/{token}/demographics", { params: { path: { token } } })),
    [token],
  );
  const [asking, setAsking] = useState<boolean | null>(null);
  useEffect(() => {
    if (asking !== null || !given.data) return;
    const volunteered = given.data.sex != null || given.data.race_ethnicity != null;
    setAsking(!volunteered && !alreadyAsked(token));
  }, [given.data]);

  // If the questions cannot be loaded, the candidate still sees that the interview is submitted.
  if (given.error) return <>{props.children}</>;
  if (!given.data || asking === null) {
    return (
      <main class="candidate-page narrow">
        <Loading label={t("common.loading")} />
      </main>
    );
  }
  if (asking) {
    return (
      <DemographicsForm
        token={token}
        initial={given.data}
        onDone={(saved) => {
          rememberAsked(token);
          if (saved) given.setData(saved);
          setAsking(false);
        }}
      />
    );
  }
  return (
    <>
      {props.children}
      <p class="demographics-again">
        <button type="button" class="btn btn-quiet" onClick={() => setAsking(true)}>
          {given.data.sex != null || given.data.race_ethnicity != null
            ? t("demographics.change")
            : t("demographics.answer")}
        </button>
      </p>
    </>
  );
}

function DemographicsForm(props: {
  token: string;
  initial: Demographics;
  onDone: (saved: Demographics | null) => void;
}) {
  const [sex, setSex] = useState<string>(props.initial.sex ?? PREFER_NOT);
  const [race, setRace] = useState<string>(props.initial.race_ethnicity ?? PREFER_NOT);
  const save = useSubmit(() =>
    call(
      api.PUT("/api/candidate/{token}/demographics", {
        params: { path: { token: props.token } },
        body: {
          sex: sex === PREFER_NOT ? null : (sex as Sex),
          race_ethnicity: race === PREFER_NOT ? null : (race as Race),
        },
      }),
    ),
  );

  async function submit(event: Event) {
    event.preventDefault();
    const saved = await save.submit();
    if (saved) props.onDone(saved);
  }

  return (
    <main class="candidate-page narrow">
      <form class="card center-card demographics" onSubmit={submit} aria-describedby="demo-why">
        <p class="eyebrow">{t("demographics.eyebrow")}</p>
        <PageHeading title={t("demographics.title")}>{t("demographics.heading")}</PageHeading>
        <div id="demo-why">
          <p class="lead">
            <Rich text={t("demographics.lead")} />
          </p>
          <ul class="bullets">
            <li>{t("demographics.why")}</li>
            <li>
              <Rich text={t("demographics.apart")} />
            </li>
            <li>{t("demographics.totals")}</li>
          </ul>
        </div>

        <Choices
          name="sex"
          legend={t("demographics.sexLegend")}
          options={SEX.map((v) => [v, t(`demographics.sex.${v}`)])}
          value={sex}
          onChange={setSex}
        />
        <Choices
          name="race_ethnicity"
          legend={t("demographics.raceLegend")}
          options={RACE.map((v) => [v, t(`demographics.race.${v}`)])}
          value={race}
          onChange={setRace}
        />

        {save.error && <Alert>{save.error}</Alert>}
        <div class="actions-row">
          <button type="submit" class="btn btn-primary btn-large" disabled={save.busy}>
            {save.busy ? t("common.saving") : t("demographics.save")}
          </button>
          <button type="button" class="btn btn-large" disabled={save.busy} onClick={() => props.onDone(null)}>
            {t("demographics.skip")}
          </button>
        </div>
        <p class="muted demographics-note">{t("demographics.note")}</p>
      </form>
    </main>
  );
}

function Choices(props: {
  name: string;
  legend: string;
  options: [string, string][];
  value: string;
  onChange: (value: string) => void;
}) {
  const all: [string, string][] = [...props.options, [PREFER_NOT, t("demographics.preferNot")]];
  return (
    <fieldset class="choices">
      <legend>{props.legend}</legend>
      {all.map(([value, label]) => {
        const id = `${props.name}-${value || "prefer-not"}`;
        return (
          <div class="check" key={id}>
            <input
              id={id}
              type="radio"
              name={props.name}
              value={value}
              checked={props.value === value}
              onChange={() => props.onChange(value)}
            />
            <label for={id}>{label}</label>
          </div>
        );
      })}
    </fieldset>
  );
}
