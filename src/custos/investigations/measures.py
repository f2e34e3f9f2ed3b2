"""Inspection measures for investigating crime: caseloads over 25, complex crimes with officers below the
PIP level their tier needs, probationers holding more than volume crime, supervisory reviews overdue,
supervisors without workload-management training, and the IIOC "no further action" rate (HMICFRS PEEL
2023-25, Metropolitan Police: investigating crime)."""

from __future__ import annotations

from django.db.models import Count, F, Q

from custos.allocation import inputs
from custos.core.measures import Measure, MeasureScope, register
from custos.crimes.models import Crime, CrimeStatus
from custos.crimes.offences import catalogue
from custos.investigations.rules.rates import NfaRate, nfa_rates_counted
from custos.workforce.models import Person

AREA = "Investigation"
IIOC_GROUP = "iioc"  # the offence catalogue's group for indecent images of children


@register(order=20)
def investigation_measures(scope: MeasureScope) -> list[Measure]:
    today, policy = scope.today, scope.policy
    borough = scope.borough_id
    crimes_here = Q(borough_id=borough) if borough is not None else Q()
    people_here = Q(borough_id=borough) if borough is not None else Q()

    investigators = Person.objects.filter(inputs.investigator_q(), people_here)
    # over_red_flag (open crimes > allocation.caseload_red) decided in SQL: the database returns one count,
    # not a row for each of a force's 12,000 investigators.
    over = (
        Crime.objects.filter(status=CrimeStatus.OPEN, officer_id__in=investigators.values("pk"))
        .exclude(tier="")
        .order_by()
        .values("officer_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=int(policy.get("allocation.caseload_red")))
        .count()
    )

    open_held = Crime.objects.filter(crimes_here, status=CrimeStatus.OPEN, officer__isnull=False).exclude(
        tier=""
    )
    held_counts = open_held.aggregate(
        held=Count("pk"),
        below_pip=Count("pk", filter=Q(required_pip__gt=F("officer__pip_level"))),
        probationer_above=Count(
            "pk", filter=Q(officer__probationer=True) & ~Q(tier=policy.get("allocation.probationer_max_tier"))
        ),
    )
    planned = Crime.objects.filter(crimes_here, status=CrimeStatus.OPEN, plan__isnull=False).aggregate(
        planned=Count("pk"), overdue=Count("pk", filter=Q(plan__next_review_due__lt=today))
    )

    supervisors = Person.objects.filter(pk__in=investigators.values("line_supervisor_id"))
    untrained = supervisors.filter(
        Q(workload_training_on__isnull=True) | Q(workload_training_expires__lt=today)
    ).count()

    iioc_keys = sorted(k for k, o in catalogue().items() if o.group == IIOC_GROUP)
    outcomes = (
        Crime.objects.filter(
            crimes_here, status=CrimeStatus.FINALISED, outcome__isnull=False, offence_key__in=iioc_keys
        )
        .order_by()
        # Grouped by offence as well, so SQLite answers from the (status, offence, outcome) covering index
        # (London: 10 ms, against 1.5 s when it chose to scan every finalised crime by outcome).
        .values_list("offence_key", "outcome")
        .annotate(n=Count("pk"))
    )
    iioc: NfaRate | None = nfa_rates_counted(
        ((IIOC_GROUP, outcome, n) for _, outcome, n in outcomes), policy=policy
    ).get(IIOC_GROUP)

    return [
        Measure(
            key="investigations.investigators-over-25",
            area=AREA,
            title="Investigators holding more than 25 open crimes",
            finding="New officers were carrying 25 or more crimes.",
            count=over,
            out_of=investigators.count(),
            basis=policy.basis("allocation.caseload_red"),
            report="allocation:workload",
        ),
        Measure(
            key="investigations.below-required-pip",
            area=AREA,
            title="Open crimes held by an officer below the PIP level the crime's tier requires",
            finding="Complex crimes were given to officers with basic training.",
            count=held_counts["below_pip"],
            out_of=held_counts["held"],
            basis="each crime's required PIP level from its tier "
            f"({policy.basis('crimes.tiering.default_tier')}) against the holder's accredited PIP level",
            report="allocation:workload",
        ),
        Measure(
            key="investigations.probationers-above-volume-crime",
            area=AREA,
            title="Open crimes above volume crime (T1) held by probationers",
            finding="Complex crimes were given to officers with basic training.",
            count=held_counts["probationer_above"],
            out_of=held_counts["held"],
            basis=policy.basis("allocation.probationer_max_tier"),
            report="allocation:workload",
        ),
        Measure(
            key="investigations.reviews-overdue",
            area=AREA,
            title="Open investigations whose supervisory review is overdue",
            finding="Neighbourhood-crime investigations were poor and lines of enquiry were missed.",
            count=planned["overdue"],
            out_of=planned["planned"],
            basis=f"{policy.basis('investigations.first_review_working_days')}; "
            f"{policy.basis('investigations.review_interval_days')}",
            report="investigations:supervision",
        ),
        Measure(
            key="investigations.supervisors-untrained",
            area=AREA,
            title="Supervisors of investigators without in-date workload-management training",
            finding="Supervisors were untrained in managing workloads.",
            count=untrained,
            out_of=supervisors.count(),
            basis=policy.basis("workforce.workload_training_valid_months"),
            report="allocation:workload",
        ),
        Measure(
            key="investigations.iioc-nfa-rate",
            area=AREA,
            title="Finalised indecent-image (IIOC) cases closed with no further action (NFA_CORE)",
            finding="60% of indecent-images-of-children cases ended with no further action.",
            count=iioc.nfa_core if iioc else 0,
            out_of=iioc.finalised if iioc else 0,
            basis="; ".join(iioc.basis) if iioc else policy.basis("investigations.nfa_core_outcomes"),
            report="investigations:nfa_rates",
        ),
    ]
