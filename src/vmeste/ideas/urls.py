from django.urls import path

from . import views

app_name = "ideas"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("new/", views.project_edit, name="project_new"),
    path("moderation/", views.moderation, name="moderation"),
    path("mine/", views.my_ideas, name="mine"),
    path(
        "moderation/reports/<int:report_id>/dismiss/", views.report_dismiss, name="report_dismiss"
    ),
    path("<slug:slug>/", views.project_detail, name="project"),
    path("<slug:slug>/edit/", views.project_edit, name="project_edit"),
    path("<slug:slug>/follow/", views.project_follow, name="project_follow"),
    path("<slug:slug>/propose/", views.idea_propose, name="propose"),
    path("<slug:slug>/similar/", views.similar_ideas, name="similar"),
    path("<slug:slug>/experts/", views.expert_workspace, name="experts"),
    path("<slug:slug>/commission/", views.commission, name="commission"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/announce/", views.project_announce, name="announce"),
    path("<slug:slug>/comments/<int:comment_id>/hide/", views.comment_hide, name="comment_hide"),
    path("<slug:slug>/ideas/<int:idea_id>/", views.idea_detail, name="idea"),
    path("<slug:slug>/ideas/<int:idea_id>/edit/", views.idea_propose, name="idea_edit"),
    path("<slug:slug>/ideas/<int:idea_id>/<slug:action>/", views.idea_action, name="idea_action"),
]
