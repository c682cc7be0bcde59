/**
 * What to tell the candidate about an error, in their language. The server's problem details stay
 * English; the candidate API marks the common ones with a `code`, and those are shown from the
 * catalog instead. Anything else falls back to the server's own detail.
 */
import { ApiError, errorMessage } from "../api/client";
import { DeviceError } from "../media/camera";
import { CONNECT_FAILED, PREPARE_FAILED } from "../media/peer";
import { UPLOAD_LOST } from "../media/upload";
import { formatDate } from "./format";
import { t } from "./index";

export function candidateError(err: unknown): string {
  if (err instanceof ApiError) {
    const code = typeof err.body.code === "string" ? err.body.code : null;
    switch (code) {
      case "invitation_expired":
        return typeof err.body.expires_at === "string"
          ? t("problems.invitation_expired", { date: formatDate(err.body.expires_at) })
          : err.detail;
      case "written_time_up":
        return err.body.kept_draft ? t("problems.written_time_up_kept") : t("problems.written_time_up_empty");
      case "questions_missing":
        return t("problems.questions_missing", { count: Array.isArray(err.body.missing) ? err.body.missing.length : 1 });
      case "link_invalid":
      case "invitation_withdrawn":
      case "already_completed":
      case "already_answered":
      case "out_of_order":
      case "consent_needed":
      case "consent_changed":
      case "answer_submitted":
      case "recording_elsewhere":
      case "answer_confirmed":
      case "no_retakes_left":
        return t(`problems.${code}`);
    }
    return err.detail;
  }
  if (err instanceof DeviceError) return t(`device.errors.${err.kind}`);
  if (err instanceof TypeError) return t("problems.offline");
  if (err instanceof Error) {
    // The media code's own messages (English constants there), shown in the candidate's language.
    if (err.message === CONNECT_FAILED) return t("problems.connectFailed");
    if (err.message === PREPARE_FAILED) return t("problems.prepareFailed");
    if (err.message === UPLOAD_LOST) return t("problems.uploadLost");
    return errorMessage(err);
  }
  return t("problems.tryAgain");
}
