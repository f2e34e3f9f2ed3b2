"""Digital device triage for indecent images of children (IIOC).

``custos.triage.scanner`` is the offline scanner: a pure library with no Django import, so that it runs on a
forensic workstation without the web app. Keep this package import light: the Django side (models, services)
lives in sibling modules and is never imported from here.
"""
