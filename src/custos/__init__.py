"""Custos: public-protection and investigation management."""
