from __future__ import annotations

from django.contrib import admin

from custos.victims.models import Obligation, RightToReview, Victim, VictimCrime


@admin.register(Victim)
class VictimAdmin(admin.ModelAdmin[Victim]):
    list_display = ("id", "kind", "borough")
    list_filter = ("kind", "borough")


@admin.register(VictimCrime)
class VictimCrimeAdmin(admin.ModelAdmin[VictimCrime]):
    list_display = ("victim", "crime", "enhanced", "recognised_enhanced", "policy_version")
    list_filter = ("enhanced", "recognised_enhanced", "services")


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin[Obligation]):
    list_display = ("key", "right", "status", "due_on", "link")
    list_filter = ("status", "right")


@admin.register(RightToReview)
class RightToReviewAdmin(admin.ModelAdmin[RightToReview]):
    list_display = ("link", "requested_on", "eligible", "status", "outcome")
