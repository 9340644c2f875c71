from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("map.geojson", views.institutions_geojson, name="geojson"),
    path("<slug:slug>/", views.organization_detail, name="detail"),
    path("<slug:slug>/events.ics", views.events_ical, name="events_ical"),
]
