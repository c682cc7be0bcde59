/** Invitations of an assessment: list with progress, single invites, CSV import, links. */
export { Invitations } from "./Invitations";
export { InviteForm } from "./InviteForm";
export { NewLink } from "./NewLink";
