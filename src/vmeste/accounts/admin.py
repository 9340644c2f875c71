from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Consent, Role, User


class RoleInline(admin.TabularInline):
    model = Role
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organization"]
    readonly_fields = ["granted_at", "granted_by"]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["kind", "version", "given_at", "ip_address", "withdrawn_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "district",
        "is_platform_admin",
        "is_staff",
        "is_active",
    ]
    list_filter = ["is_platform_admin", "is_staff", "is_active", "roles__kind", "district"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    readonly_fields = ["date_joined", "last_login", "anonymized_at"]
    inlines = [RoleInline, ConsentInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {
                "fields": (
                    "display_name",
                    "first_name",
                    "last_name",
                    "phone",
                    "district",
                    "language",
                )
            },
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_platform_admin", "is_superuser")}),
        (_("Dates"), {"fields": ("date_joined", "last_login", "anonymized_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ()


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "organization", "granted_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
