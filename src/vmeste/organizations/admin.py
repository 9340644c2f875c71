from __future__ import annotations

from django.contrib import admin

from .models import District, Event, Organization, SocialPage


class SocialPageInline(admin.TabularInline):
    model = SocialPage
    extra = 1


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "institution_type", "parent", "district", "is_active"]
    list_filter = ["kind", "institution_type", "district", "is_active"]
    search_fields = ["name", "short_name", "address"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parent"]
    inlines = [SocialPageInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "short_name",
                    "aliases",
                    "slug",
                    "kind",
                    "institution_type",
                    "parent",
                    "is_active",
                )
            },
        ),
        ("", {"fields": ("description", "district", "address", "latitude", "longitude")}),
        ("", {"fields": ("phone", "email", "website", "opening_hours")}),
    )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "starts_at", "is_free", "price", "age_rating"]
    list_filter = ["is_free", "age_rating", "organization__institution_type"]
    search_fields = ["title", "organization__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organization"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
