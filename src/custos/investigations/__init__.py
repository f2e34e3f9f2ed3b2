"""Investigations: plans, lines of enquiry, tasks, supervisory reviews, outcomes and NFA sign-off."""
