/** Words people read for the review API's codes. */
import type { Schemas } from "../api/client";

export type ReasonCode = NonNullable<Schemas["ReviewIn"]["reason_code"]>;

export const REASONS: ReadonlyArray<readonly [ReasonCode, string]> = [
  ["missed_key_point", "Missed a key point"],
  ["asr_error", "Transcription (ASR) error"],
  ["exemplar_mismatch", "Exemplars don't fit this answer"],
  ["off_topic_misjudged", "Off-topic judged wrongly"],
  ["partial_answer", "Partial answer"],
  ["other", "Other (explain in the comment)"],
];

export function reasonLabel(code: string | null | undefined): string {
  if (!code) return "";
  const label = REASONS.find(([c]) => c === code)?.[1] ?? code.replace(/_/g, " ");
  return label.replace(/ \(.*\)$/, ""); // "Other (explain…)" reads as "Other" once saved
}

export const STATUS_LABELS: Record<string, string> = {
  pending: "Waiting",
  partial: "Needs 2nd review",
  conflict: "Reviewers disagree",
  reviewed: "Reviewed",
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export function decisionLabel(decision: string): string {
  return { confirm: "Confirmed", override: "Overrode", resolve: "Resolved" }[decision] ?? decision;
}

/** Query parameters the review page carries so `next_id` follows the same queue. */
export function queueParams(query: URLSearchParams): { assessment_id?: string; order?: "oldest" | "newest" | "uncertain" } {
  const out: { assessment_id?: string; order?: "oldest" | "newest" | "uncertain" } = {};
  const a = query.get("assessment");
  if (a) out.assessment_id = a;
  const o = query.get("order");
  if (o === "oldest" || o === "newest" || o === "uncertain") out.order = o;
  return out;
}

/** The queue-filter part of a URL's query (assessment, order) to carry onto review-page links. */
export function carrySearch(query: URLSearchParams): string {
  const keep = new URLSearchParams();
  for (const k of ["assessment", "order"]) {
    const v = query.get(k);
    if (v) keep.set(k, v);
  }
  const s = keep.toString();
  return s ? `?${s}` : "";
}
