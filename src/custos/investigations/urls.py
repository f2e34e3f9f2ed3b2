from __future__ import annotations

from django.urls import path

from custos.investigations import views

app_name = "investigations"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("supervision/", views.supervision, name="supervision"),
    path("nfa-rates/", views.nfa_rates, name="nfa_rates"),
    path("crimes/<int:pk>/", views.crime_investigation, name="crime"),
    path("crimes/<int:pk>/tasks/", views.task_add, name="task_add"),
    path("crimes/<int:pk>/reviews/", views.review_add, name="review_add"),
    path("crimes/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("crimes/<int:pk>/sign-off/", views.signoff, name="signoff"),
    path("lines/<int:pk>/", views.line_update, name="line_update"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
]
