from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/", views.appeal_new, name="new"),
    path("mine/", views.my_appeals, name="mine"),
    path("counters/", views.counters_page, name="counters"),
    path("institutions/", views.institution_options, name="institution_options"),
    path("map/points.geojson", views.appeal_map_points, name="map_points"),
    path("map/districts.geojson", views.district_shapes, name="districts"),
    path("<str:number>/", views.appeal_detail, name="detail"),
    path("<str:number>/feedback/", views.appeal_feedback, name="feedback"),
    path("<str:number>/reply/", views.appeal_reply, name="reply"),
    path("<str:number>/resubmit/", views.appeal_resubmit, name="resubmit"),
]
