from __future__ import annotations

from django.urls import path

from custos.offenders import views

app_name = "offenders"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("oversight/", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("planner/", views.planner, name="planner"),
    path("calendar/token/", views.calendar_token, name="calendar_token"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("new/", views.offender_create, name="offender_create"),
    path("<int:pk>/", views.offender_detail, name="offender"),
    path("<int:pk>/photos/new/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:pk>/aliases/<int:item_id>/", views.item_edit, {"section": "alias"}, name="alias_edit"),
    path("<int:pk>/aliases/<int:item_id>/end/", views.item_end, {"section": "alias"}, name="alias_end"),
    path("<int:pk>/addresses/<int:item_id>/", views.item_edit, {"section": "address"}, name="address_edit"),
    path("<int:pk>/addresses/<int:item_id>/end/", views.item_end, {"section": "address"}, name="address_end"),
    path("<int:pk>/notifiable/<int:item_id>/", views.item_edit, {"section": "detail"}, name="detail_edit"),
    path("<int:pk>/notifiable/<int:item_id>/end/", views.item_end, {"section": "detail"}, name="detail_end"),
    path("<int:pk>/convictions/new/", views.conviction_add, name="conviction_add"),
    path("<int:pk>/visits/new/", views.visit_record, name="visit_record"),
    path("<int:pk>/notifications/new/", views.notification_record, name="notification_record"),
    path("<int:pk>/risk/", views.risk, name="risk"),
    path("<int:pk>/management/", views.management, name="management"),
    path("<int:pk>/details/", views.details_add, name="details_add"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/s96b/", views.warrant, name="warrant"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("breach/<int:pk>/", views.breach_case, name="breach"),
]
