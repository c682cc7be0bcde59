"""Per-organization email templates (staff read, admins change, preview) and the reminder opt-out."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.audit import record, record_by
from server.auth.staff import provide_admin, provide_staff
from server.db.models import ActorKind, EmailTemplate, Invitation, Organization
from server.deps import DbSession, SettingsDep, StaffDep
from server.domain.branding.services import candidate_branding
from server.domain.invitations import email_templates as tpl
from server.domain.invitations import reminders
from server.domain.invitations.email_schemas import (
    EmailSettingsOut,
    EmailSettingsUpdate,
    EmailTemplateIn,
    EmailTemplateOut,
    OptOutOut,
    Placeholder,
    PreviewOut,
)
from server.errors import NotFound
from server.openapi_responses import problems
from server.settings import Settings

__all__ = ["EmailTemplateController", "ReminderOptOutController"]


def _kind(kind: str) -> tpl.Kind:
    if kind not in tpl.KINDS:
        raise NotFound(f"No email template {kind!r}: use one of {', '.join(tpl.KINDS)}.")
    return kind


def _out(kind: tpl.Kind, template: tpl.Template, custom: bool) -> EmailTemplateOut:
    return EmailTemplateOut(
        kind=kind,
        subject=template.subject,
        body=template.body,
        custom=custom,
        placeholders=[Placeholder(name=n, description=d) for n, d in tpl.PLACEHOLDERS[kind].items()],
    )


async def _settings_out(db: AsyncSession, settings: Settings, organization_id: uuid.UUID) -> EmailSettingsOut:
    org = await db.get(Organization, organization_id)
    if org is None:
        raise NotFound("Your organization no longer exists.")
    templates = []
    for kind in tpl.KINDS:
        template, custom = await tpl.get_template(db, organization_id, kind)
        templates.append(_out(kind, template, custom))
    return EmailSettingsOut(
        email_enabled=settings.email.enabled, decision_emails=org.decision_emails, templates=templates
    )


class EmailTemplateController(Controller):
    path = "/api/organization"
    tags = ["organization"]

    @get(
        "/email",
        dependencies={"staff": Provide(provide_staff)},
        summary="The candidate emails' templates and whether decision emails are on",
    )
    async def get_email(
        self, staff: StaffDep, db_session: DbSession, settings: SettingsDep
    ) -> EmailSettingsOut:
        return await _settings_out(db_session, settings, staff.organization_id)

    @put(
        "/email",
        dependencies={"staff": Provide(provide_admin)},
        summary="Turn decision emails to candidates on or off (admin)",
    )
    async def update_email(
        self,
        staff: StaffDep,
        data: JSONBody[EmailSettingsUpdate],
        db_session: DbSession,
        settings: SettingsDep,
    ) -> EmailSettingsOut:
        org = await db_session.get(Organization, staff.organization_id)
        if org is None:
            raise NotFound("Your organization no longer exists.")
        org.decision_emails = data.decision_emails
        record(
            db_session,
            action="organization.decision_emails",
            target_kind="organization",
            target_id=org.id,
            organization_id=org.id,
            actor_id=staff.user_id,
            data={"on": data.decision_emails},
        )
        await db_session.flush()
        return await _settings_out(db_session, settings, staff.organization_id)

    @put(
        "/email/templates/{kind:str}",
        dependencies={"staff": Provide(provide_admin)},
        opt=problems("template", 404, 422),
        summary="Set the organization's text of a candidate email (admin); placeholders are checked",
    )
    async def put_template(
        self, staff: StaffDep, kind: FromPath[str], data: JSONBody[EmailTemplateIn], db_session: DbSession
    ) -> EmailTemplateOut:
        k = _kind(kind)
        tpl.parse(k, data.subject, field="subject")
        tpl.parse(k, data.body, field="body")
        row = (
            await db_session.execute(
                select(EmailTemplate).where(
                    EmailTemplate.organization_id == staff.organization_id, EmailTemplate.kind == k
                )
            )
        ).scalar_one_or_none()
        if row is None:
            row = EmailTemplate(organization_id=staff.organization_id, kind=k, subject="", body="")
            db_session.add(row)
        row.subject, row.body = data.subject.strip(), data.body.strip()
        record_by(
            staff,
            db_session,
            action="organization.email_template",
            target_kind="organization",
            target_id=staff.organization_id,
            data={"kind": k},
        )
        await db_session.flush()
        return _out(k, tpl.Template(subject=row.subject, body=row.body), True)

    @delete(
        "/email/templates/{kind:str}",
        status_code=200,
        dependencies={"staff": Provide(provide_admin)},
        opt=problems("template", 404),
        summary="Go back to the default text of a candidate email (admin)",
    )
    async def reset_template(
        self, staff: StaffDep, kind: FromPath[str], db_session: DbSession
    ) -> EmailTemplateOut:
        k = _kind(kind)
        row = (
            await db_session.execute(
                select(EmailTemplate).where(
                    EmailTemplate.organization_id == staff.organization_id, EmailTemplate.kind == k
                )
            )
        ).scalar_one_or_none()
        if row is not None:
            await db_session.delete(row)
            await db_session.flush()
        return _out(k, tpl.DEFAULTS[k], False)

    @post(
        "/email/templates/{kind:str}/preview",
        status_code=200,
        dependencies={"staff": Provide(provide_staff)},
        opt=problems("template", 404, 422),
        summary="Render a template with example values and the organization's branding (nothing is saved)",
    )
    async def preview(
        self,
        staff: StaffDep,
        kind: FromPath[str],
        data: JSONBody[EmailTemplateIn],
        db_session: DbSession,
        settings: SettingsDep,
    ) -> PreviewOut:
        k = _kind(kind)
        brand = await candidate_branding(db_session, staff.organization_id)
        rendered = tpl.render(
            k,
            tpl.Template(subject=data.subject, body=data.body),
            tpl.sample_values(k, brand, settings.app.public_url),
            brand,
        )
        return PreviewOut(subject=rendered.subject, text=rendered.text, html=rendered.html)


class ReminderOptOutController(Controller):
    """Reached from the opt-out link of a reminder email: a signed token, no account."""

    path = "/api/email/opt-out/{token:str}"
    tags = ["candidate"]
    opt = {"exclude_from_csrf": True, **problems("link", 404)}

    async def _invitation(self, db: AsyncSession, settings: Settings, token: str) -> Invitation:
        iid = reminders.read_opt_out_token(settings.app.secret_key, token)
        inv = await db.get(Invitation, iid) if iid else None
        if inv is None:
            raise NotFound("This opt-out link is not valid: copy the whole link from the reminder email.")
        return inv

    @get("/", summary="Whose reminders the opt-out link stops, and whether it already did")
    async def view(self, token: FromPath[str], db_session: DbSession, settings: SettingsDep) -> OptOutOut:
        inv = await self._invitation(db_session, settings, token)
        v = await reminders.opt_out_view(db_session, inv)
        return OptOutOut(
            organization=v.organization, assessment_title=v.assessment_title, opted_out=v.opted_out
        )

    @post("/", status_code=200, summary="Stop the automatic reminders to this candidate (idempotent)")
    async def confirm(self, token: FromPath[str], db_session: DbSession, settings: SettingsDep) -> OptOutOut:
        inv = await self._invitation(db_session, settings, token)
        already = inv.reminders_opted_out_at is not None
        v = await reminders.opt_out(db_session, inv)
        if not already:
            record(
                db_session,
                action="candidate.reminders_opt_out",
                target_kind="invitation",
                target_id=inv.id,
                organization_id=inv.organization_id,
                actor_kind=ActorKind.CANDIDATE,
                actor_id=inv.id,
            )
        return OptOutOut(
            organization=v.organization, assessment_title=v.assessment_title, opted_out=v.opted_out
        )
