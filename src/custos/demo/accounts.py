"""Demo accounts: one per role, each linked to a plausible person in the first demo borough."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts import services
from custos.accounts.models import User
from custos.accounts.roles import Role
from custos.workforce.models import Person, TeamType
from custos.workforce.ranks import Rank

DEMO_PASSWORD = "custos-demo-password"  # noqa: S105 - printed on purpose for the synthetic demo force


@dataclass(frozen=True)
class DemoAccount:
    username: str
    roles: tuple[Role, ...]
    team_type: str | None  # which kind of team the linked person is in
    lead: bool  # the team's supervisor rather than a member
    rank: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("om", (Role.OFFENDER_MANAGER,), TeamType.OFFENDER_MANAGEMENT, False),
    DemoAccount("ds", (Role.MOSOVO_SUPERVISOR,), TeamType.OFFENDER_MANAGEMENT, True),
    DemoAccount("di", (Role.DETECTIVE_INSPECTOR,), None, False, "detective-inspector"),
    DemoAccount("investigator", (Role.INVESTIGATOR,), TeamType.CID, False),
    DemoAccount("invsup", (Role.INVESTIGATION_SUPERVISOR,), TeamType.CID, True),
    DemoAccount("examiner", (Role.DIGITAL_FORENSIC_EXAMINER,), TeamType.DIGITAL_FORENSICS_LAB, False),
    DemoAccount("ocsae", (Role.OCSAE_INVESTIGATOR, Role.INVESTIGATOR), TeamType.OCSAE, False),
    DemoAccount("victimcare", (Role.VICTIM_CARE_OFFICER,), TeamType.VICTIM_CARE, False),
    DemoAccount("analyst", (Role.PERFORMANCE_ANALYST,), None, False, "staff-band-d"),
    DemoAccount("inspector", (Role.INSPECTOR,), None, False, None),
    DemoAccount("standards", (Role.PROFESSIONAL_STANDARDS,), None, False, "detective-sergeant"),
    DemoAccount("admin", (Role.ADMINISTRATOR,), None, False, None),
)


def _person_for(acc: DemoAccount) -> Person | None:
    qs = Person.objects.filter(user__isnull=True, active=True).order_by("borough__code", "staff_number")
    if acc.team_type is not None:
        qs = qs.filter(team__team_type=acc.team_type)
        if acc.lead:
            return qs.filter(supervised_teams__isnull=False).first()
        from django.utils import timezone

        today = timezone.localdate()
        # A demo login shows someone working normally: their specialist accreditations are in date (an
        # examiner with a lapsed one counts for no lab capacity). The lapsed ones show on supervisors' pages.
        qs = qs.exclude(accreditations__expires_on__lte=today)
        # Offender managers must be ViSOR users in date to lead cases; pick one whose training is current.
        if acc.team_type == TeamType.OFFENDER_MANAGEMENT:
            qs = qs.filter(visor_training_expires__gt=today)
        return qs.exclude(supervised_teams__isnull=False).first()
    if acc.rank == Rank.DETECTIVE_INSPECTOR:
        # The demo DI is the one the offender-management DS reports to: the escalation ladder gives DI plans
        # and s.96B decisions to the DS's line supervisor, so any other DI would find no offender tasks.
        over_mosovo = qs.filter(
            rank=acc.rank, supervisees__supervised_teams__team_type=TeamType.OFFENDER_MANAGEMENT
        ).first()
        if over_mosovo is not None:
            return over_mosovo
    if acc.rank:
        return qs.filter(rank=acc.rank).first()
    return None


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[DemoAccount, User]]:
    out: list[tuple[DemoAccount, User]] = []
    for acc in DEMO_ACCOUNTS:
        user = User.objects.filter(username=acc.username).first()
        if user is None:
            person = _person_for(acc)
            user = services.user_create(
                username=acc.username,
                password=DEMO_PASSWORD,
                roles=list(acc.roles),
                is_demo=True,
                validate=False,
                first_name=person.first_name if person else acc.username.title(),
                last_name=person.last_name if person else "(demo)",
            )
            if person is not None:
                person.user = user
                person.save(update_fields=["user"])
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
            services.recovery_codes_regenerate(user=user)
        out.append((acc, user))
    return out
