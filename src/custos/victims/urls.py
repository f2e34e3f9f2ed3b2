from __future__ import annotations

from django.urls import path

from custos.victims import views

app_name = "victims"

urlpatterns = [
    path("", views.victim_list, name="list"),
    path("worklist/", views.worklist, name="worklist"),
    path("compliance/", views.compliance_report, name="compliance"),
    path("<int:pk>/", views.victim_detail, name="detail"),
    path("<int:pk>/edit/", views.victim_edit, name="edit"),
    path("<int:pk>/link/", views.victim_link, name="link"),
    path("<int:pk>/assess/", views.victim_assess, name="assess"),
    path("crimes/<int:crime_pk>/", views.crime_victims, name="crime"),
    path("crimes/<int:crime_pk>/add/", views.victim_add, name="add"),
    path("crimes/<int:crime_pk>/events/", views.record_event, name="record_event"),
    path("obligations/<int:pk>/", views.obligation_update, name="obligation"),
    path("links/<int:pk>/obligations/start/", views.obligation_start, name="obligation_start"),
    path("links/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("links/<int:pk>/review/", views.review_request, name="review_request"),
    path("reviews/<int:pk>/acknowledge/", views.review_acknowledge, name="review_acknowledge"),
    path("reviews/<int:pk>/decide/", views.review_decide, name="review_decide"),
]
