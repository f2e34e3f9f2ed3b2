from __future__ import annotations

from django.urls import path

from custos.crimes import views

app_name = "crimes"

urlpatterns = [
    path("", views.crime_list, name="list"),
    path("new/", views.crime_create, name="create"),
    path("import/", views.crime_import, name="import"),
    path("<int:pk>/", views.crime_detail, name="detail"),
    path("<int:pk>/edit/", views.crime_edit, name="edit"),
    path("<int:pk>/suspects/", views.suspect_add, name="suspect_add"),
    path("<int:pk>/suspects/<int:suspect_pk>/edit/", views.suspect_edit, name="suspect_edit"),
]
