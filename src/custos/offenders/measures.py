"""Inspection measures for offender management: visits overdue, the ladder's escalations, announced
visits and ViSOR training (HMICFRS PEEL 2023-25, Metropolitan Police: managing offenders and suspects)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from custos.core.measures import Measure, MeasureScope, register
from custos.offenders.models import Offender, OffenderTask, Visit
from custos.offenders.models.work import TaskKind, TaskStatus
from custos.offenders.rules.visits import VISITS_BASIS
from custos.offenders.services.register import lead_manager_q
from custos.workforce.models import Person

AREA = "Offender management"
HIGH_RISK = ("high", "very-high")
ESCALATIONS = (TaskKind.DI_PLAN_REQUIRED, TaskKind.S96B_CONSIDERATION, TaskKind.BREACH_CASE)


@register(order=10)
def offender_measures(scope: MeasureScope) -> list[Measure]:
    today, policy = scope.today, scope.policy
    in_scope = Q(borough_id=scope.borough_id) if scope.borough_id is not None else Q()
    managed = Offender.objects.filter(in_scope, active=True, management_mode="active")
    counts = managed.aggregate(
        managed=Count("pk"),
        overdue=Count("pk", filter=Q(next_visit_due__lt=today)),
        high=Count("pk", filter=Q(rosh_level__in=HIGH_RISK)),
        high_overdue=Count("pk", filter=Q(rosh_level__in=HIGH_RISK, next_visit_due__lt=today)),
    )
    escalations = dict(
        OffenderTask.objects.filter(
            offender__in=Offender.objects.filter(in_scope, active=True),
            status=TaskStatus.OPEN,
            kind__in=ESCALATIONS,
        )
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    # From local midnight a year ago, as the oversight dashboard counts it.
    since = timezone.make_aware(datetime.combine(today - timedelta(days=365), time.min))
    visits = Visit.objects.filter(
        offender__in=Offender.objects.filter(in_scope), status="recorded", attempted_at__gte=since
    ).aggregate(n=Count("pk"), announced=Count("pk", filter=Q(announced=True)))
    leads = Person.objects.filter(
        pk__in=Offender.objects.filter(in_scope, active=True, lead_manager__isnull=False).values(
            "lead_manager_id"
        )
    )
    lapsed = leads.exclude(lead_manager_q(today)).count()  # the lead rule the service enforces
    interval = policy.basis("offenders.visits.interval")
    return [
        Measure(
            key="offenders.visits-overdue",
            area=AREA,
            title="Actively managed offenders past the date their next home visit was due",
            finding="A high-risk RSO had not been successfully visited since 2017.",
            count=counts["overdue"],
            out_of=counts["managed"],
            basis=f"{VISITS_BASIS}; {interval}",
            report="offenders:dashboard",
        ),
        Measure(
            key="offenders.high-risk-visits-overdue",
            area=AREA,
            title="Of those at high or very high risk of serious harm, past their visit date",
            finding="A high-risk RSO had not been successfully visited since 2017.",
            count=counts["high_overdue"],
            out_of=counts["high"],
            basis=f"{VISITS_BASIS}; {interval}",
            report="offenders:dashboard",
        ),
        Measure(
            key="offenders.escalations-open",
            area=AREA,
            title=(
                "Open escalations: DI plans for visits overdue by more than an interval, s.96B warrant "
                "considerations and breach cases"
            ),
            finding="No thought had been given to arrest or a warrant for an offender not seen for years.",
            count=sum(int(escalations.get(k, 0)) for k in ESCALATIONS),
            out_of=None,
            basis=(
                f"SOA 2003 s.96B; {policy.basis('offenders.escalation.di_alert_after_intervals')}; "
                f"{policy.basis('offenders.escalation.breach_after_intervals')}"
            ),
            report="offenders:dashboard",
        ),
        Measure(
            key="offenders.announced-visits",
            area=AREA,
            title="Home visits recorded in the last 12 months that were announced in advance",
            finding="Visits were announced in advance, so offenders could hide devices.",
            count=int(visits["announced"] or 0),
            out_of=int(visits["n"] or 0),
            basis="APP Managing sexual offenders and violent offenders: unannounced visits; each "
            "announced visit records a reason code",
            report="offenders:dashboard",
        ),
        Measure(
            key="offenders.lead-managers-visor-lapsed",
            area=AREA,
            title="Lead offender managers without in-date ViSOR training",
            finding="Staff were untrained on the Violent and Sex Offender Register.",
            count=lapsed,
            out_of=leads.count(),
            basis=policy.basis("workforce.visor_training_valid_months"),
            report="workforce:training",
        ),
    ]
