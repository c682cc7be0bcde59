/** The page for a link that is expired, revoked or unknown. */
import { useT } from "../i18n";
import { PageHeading } from "../ui/components";
import { LanguageSwitcher } from "./LanguageSwitcher";

export function LinkProblem(props: { status: number; detail: string }) {
  const { t } = useT();
  const heading =
    props.status === 410
      ? t("problems.linkGone")
      : props.status === 404
        ? t("problems.linkNotFound")
        : t("problems.generic");
  return (
    <main class="candidate-page narrow">
      <LanguageSwitcher />
      <div class="card center-card">
        <PageHeading title={heading}>{heading}</PageHeading>
        <p class="lead">{props.detail}</p>
      </div>
    </main>
  );
}
