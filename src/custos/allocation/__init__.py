"""Allocation of crimes to investigators: the pure engine lives in ``custos.allocation.engine``."""
