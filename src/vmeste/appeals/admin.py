from __future__ import annotations

from django.contrib import admin

from .models import AnswerTemplate, Appeal, Category, RoutingRule


class AnswerTemplateInline(admin.TabularInline):
    model = AnswerTemplate
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "parent",
        "deadline_days",
        "deadline_hours",
        "is_public",
        "default_organization",
        "is_active",
    ]
    list_filter = ["is_public", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AnswerTemplateInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "category",
        "district",
        "institution_type",
        "institution",
        "is_active",
    ]
    list_filter = ["is_active", "category", "district", "institution_type"]
    autocomplete_fields = ["institution", "organization"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "category"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only: appeals change only through the workspace, so every change keeps its history."""

    list_display = [
        "number",
        "status",
        "category",
        "organization",
        "created_at",
        "due_at",
        "overdue_at",
    ]
    list_filter = ["status", "category", "source"]
    search_fields = ["number"]
    readonly_fields = [f.name for f in Appeal._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
