/** Candidate stages: the fixed lifecycle and what this team calls each stage. */
import { api, call, type Schemas } from "../../api/client";

export type Stage = Schemas["InvitationProgress"]["stage"];
export type StageNameMap = Record<Stage, string>;

export const LIFECYCLE: Stage[] = [
  "invited", "started", "completed", "in_review", "reviewed", "advanced", "on_hold", "rejected", "withdrawn", "expired",
];

export const DEFAULT_NAMES: StageNameMap = {
  invited: "Invited", started: "Started", completed: "Completed", in_review: "In review", reviewed: "Reviewed",
  advanced: "Advanced", on_hold: "On hold", rejected: "Rejected", withdrawn: "Withdrawn", expired: "Expired",
};

/** Stages a person can decide on (completed onwards, not withdrawn). */
export const DECIDABLE = new Set<Stage>(["completed", "in_review", "reviewed", "advanced", "on_hold", "rejected"]);

export async function loadStageNames(): Promise<StageNameMap> {
  const out = await call(api.GET("/api/organization/stage-names"));
  return { ...DEFAULT_NAMES, ...(out.names as Partial<StageNameMap>) };
}

/** Reason codes as a person reads them. */
export function reasonLabel(code: string): string {
  const s = code.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}
