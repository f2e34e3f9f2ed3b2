from __future__ import annotations

from django.urls import path

from custos.workforce import views

app_name = "workforce"

urlpatterns = [
    path("", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/suggestions/<str:source>/", views.person_suggestions, name="person_suggestions"),
    path(
        "people/suggestions/<str:source>/<int:key>/", views.person_suggestions, name="person_suggestions_for"
    ),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/absences/", views.absence_add, name="absence_add"),
    path("people/<int:pk>/absences/<int:absence_id>/delete/", views.absence_delete, name="absence_delete"),
    path("people/<int:pk>/accreditations/", views.accreditation_add, name="accreditation_add"),
    path(
        "people/<int:pk>/accreditations/<int:acc_id>/delete/",
        views.accreditation_remove,
        name="accreditation_remove",
    ),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("training/", views.training, name="training"),
]
