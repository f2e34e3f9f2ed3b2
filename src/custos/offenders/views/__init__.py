"""Offender screens: worklists and oversight, the record, recording forms, planner and calendar."""

from __future__ import annotations

from .actions import (
    breach_case,
    details_add,
    management,
    notification_record,
    risk,
    task_detail,
    transfer,
    visit_record,
    warrant,
)
from .planner import calendar_feed, calendar_token, planner
from .record import offender_detail, photo, search
from .register import conviction_add, item_edit, item_end, offender_create, photo_upload
from .worklists import dashboard, worklist

__all__ = [
    "breach_case",
    "calendar_feed",
    "calendar_token",
    "conviction_add",
    "dashboard",
    "details_add",
    "item_edit",
    "item_end",
    "management",
    "notification_record",
    "offender_create",
    "offender_detail",
    "photo",
    "photo_upload",
    "planner",
    "risk",
    "search",
    "task_detail",
    "transfer",
    "visit_record",
    "warrant",
    "worklist",
]
