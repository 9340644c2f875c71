from django.urls import path

from . import hooks, views

app_name = "signals"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.card, name="card"),
    path("<int:pk>/appeal/", views.create_appeal, name="create_appeal"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]

hook_patterns = [
    path("vk/<slug:slug>/", hooks.vk, name="hook_vk"),
    path("telegram/<slug:slug>/", hooks.telegram, name="hook_telegram"),
    path("webhook/<slug:slug>/", hooks.webhook, name="hook_webhook"),
]
