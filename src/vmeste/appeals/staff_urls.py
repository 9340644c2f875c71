from django.urls import path

from . import staff_views

app_name = "appeals_staff"

urlpatterns = [
    path("", staff_views.workspace, name="workspace"),
    path("export.csv", staff_views.workspace_export, name="export"),
    path("bulk-assign/", staff_views.bulk_assign, name="bulk_assign"),
    path("<str:number>/", staff_views.card, name="card"),
    path("<str:number>/contacts/", staff_views.contacts, name="contacts"),
    path("<str:number>/moderate/", staff_views.moderate, name="moderate"),
    path("<str:number>/take/", staff_views.take, name="take"),
    path("<str:number>/ask/", staff_views.ask, name="ask"),
    path("<str:number>/answer/", staff_views.answer, name="answer"),
    path("<str:number>/review/", staff_views.review, name="review"),
    path("<str:number>/reassign/", staff_views.reassign, name="reassign"),
    path("<str:number>/extend/", staff_views.extend, name="extend"),
]
