from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve

from vmeste.core import dashboard as dashboard_views
from vmeste.core import health as health_views
from vmeste.core import pow as pow_views
from vmeste.core import views as core_views
from vmeste.core.api import api
from vmeste.organizations import views as organization_views
from vmeste.signals.urls import hook_patterns as signal_hooks

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("health/", health_views.health, name="health"),
    path("ready/", health_views.ready, name="ready"),
    path("pow/challenge/", pow_views.challenge_view, name="pow_challenge"),
    path("organizations/", include("vmeste.organizations.urls")),
    path("events/", organization_views.event_calendar, name="events"),
    path("events.ics", organization_views.events_ical, name="events_ical"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path("cabinet/", dashboard_views.cabinet, name="cabinet"),
    path("accounts/profile/", include("vmeste.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("vmeste.notifications.urls")),
    path("appeals/", include("vmeste.appeals.urls")),
    path("projects/", include("vmeste.ideas.urls")),
    path("staff/appeals/", include("vmeste.appeals.staff_urls")),
    path("staff/signals/", include("vmeste.signals.urls")),
    path("hooks/", include((signal_hooks, "signal_hooks"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", include("vmeste.open311.urls")),
    path("opendata/", include("vmeste.opendata.urls")),
    # Uploaded files; in production the front web server serves MEDIA_ROOT itself.
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler400 = "vmeste.core.views.error_400"
handler403 = "vmeste.core.views.error_403"
handler404 = "vmeste.core.views.error_404"
handler500 = "vmeste.core.views.error_500"

admin.site.site_header = _("Vmeste administration")
admin.site.site_title = _("Vmeste")
