/** The page for a link that is expired, revoked or unknown. */
import { PageHeading } from "../ui/components";

export function LinkProblem(props: { status: number; detail: string }) {
  const heading =
    props.status === 410
      ? "This interview link no longer works"
      : props.status === 404
        ? "We could not find this interview"
        : "Something went wrong";
  return (
    <main class="candidate-page narrow">
      <div class="card center-card">
        <PageHeading title={heading}>{heading}</PageHeading>
        <p class="lead">{props.detail}</p>
      </div>
    </main>
  );
}
