"""Registered-offender management: register, notifications, risk, visits, escalation."""
