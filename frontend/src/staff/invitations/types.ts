/** What the invitation components share: the API types they read and the rules on stages. */
import { type Schemas } from "../../api/client";

export type Progress = Schemas["InvitationProgress"];
export type Invited = Schemas["InvitationInvited"];
export type Resent = Schemas["InvitationResent"];
export type Bulk = Schemas["BulkImported"];
export type RowError = { row: number; column: string | null; message: string };

export const REVOCABLE = new Set(["invited", "started"]);
export const RESENDABLE = new Set(["invited", "started", "expired"]);
export const EXTENDABLE = new Set(["invited", "started", "expired"]);
export const EMAIL_LABEL: Record<Schemas["EmailState"]["status"], string> = {
  not_sent: "Not emailed",
  queued: "Sending…",
  sent: "Emailed",
  failed: "Failed",
};
