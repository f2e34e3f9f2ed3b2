from __future__ import annotations

from django.urls import path

from custos.allocation import views

app_name = "allocation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("run/", views.run, name="run"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("history/", views.history, name="history"),
    path("<int:pk>/", views.allocation_detail, name="detail"),
    path("crimes/<int:pk>/allocate/", views.allocate_crime, name="allocate_crime"),
    path("crimes/<int:pk>/override/", views.override, name="override"),
    path("what-if/", views.whatif, name="whatif"),
    path("workload/", views.workload, name="workload"),
    path("workload/<int:pk>/", views.officer_workload, name="officer_workload"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
]
