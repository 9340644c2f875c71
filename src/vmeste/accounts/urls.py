from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("data/", views.data_download, name="data"),
    path("delete/", views.account_delete, name="delete"),
    path("tokens/", views.api_tokens, name="tokens"),
]
