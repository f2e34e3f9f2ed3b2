"""Crimes: crime records, offence classification, harm, solvability, THRIVE and tiering."""
