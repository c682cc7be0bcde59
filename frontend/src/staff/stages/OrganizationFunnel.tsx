/** The organization's funnel across every assessment, on the admins' dashboard (issue 16). */
import { useEffect, useState } from "preact/hooks";
import { FunnelView } from "./Funnel";
import { DEFAULT_NAMES, type StageNameMap, loadStageNames } from "./names";

export function OrganizationFunnel() {
  const [names, setNames] = useState<StageNameMap>(DEFAULT_NAMES);
  useEffect(() => {
    loadStageNames().then(setNames, () => setNames(DEFAULT_NAMES));
  }, []);
  return (
    <div class="org-funnel">
      <FunnelView title="Funnel across all assessments" names={names}>
        <p class="muted small">
          Every candidate invited to any of your organization’s assessments: how far they got, how fast, and what was
          decided. Each assessment’s own funnel is on its page.
        </p>
      </FunnelView>
    </div>
  );
}
