from __future__ import annotations

from django.urls import path

from custos.triage import views

app_name = "triage"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("worklist/", views.worklist, name="worklist"),
    path("devices/new/", views.device_create, name="device_create"),
    path("devices/<int:pk>/", views.device_detail, name="device"),
    path("devices/<int:pk>/custody/", views.custody_add, name="custody_add"),
    path("devices/<int:pk>/results/upload/", views.result_upload, name="result_upload"),
    path("devices/<int:pk>/assign/", views.device_assign, name="device_assign"),
    path("devices/<int:pk>/return/", views.device_return, name="device_return"),
    path("devices/<int:pk>/complete/", views.device_complete, name="device_complete"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("hashsets/", views.hashsets, name="hashsets"),
    path("hashsets/import/", views.hashset_import, name="hashset_import"),
    path("hashsets/<int:pk>/", views.hashset_detail, name="hashset"),
    path("hashsets/<int:pk>/toggle/", views.hashset_toggle, name="hashset_toggle"),
    path("grading/", views.grading, name="grading"),
]
