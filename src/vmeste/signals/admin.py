from django.contrib import admin

from .models import RawEvent, Reply, Signal, Source, TrainingLabel


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "slug", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug", "external_id"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RawEvent)
class RawEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "source", "event_type", "state", "key"]
    list_filter = ["state", "source"]
    readonly_fields = ["source", "key", "event_type", "payload", "state", "error", "received_at"]


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    list_display = ["pk", "received_at", "source", "kind", "status", "priority", "appeal"]
    list_filter = ["status", "kind", "source"]
    search_fields = ["text", "author_handle", "external_id"]
    raw_id_fields = ["raw", "appeal", "handled_by"]
    readonly_fields = ["suggestions", "reasons", "duplicates", "model_version", "triaged_at"]


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["pk", "signal", "method", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "method"]
    raw_id_fields = ["signal", "answer", "created_by"]


@admin.register(TrainingLabel)
class TrainingLabelAdmin(admin.ModelAdmin):
    list_display = ["created_at", "field", "predicted", "label", "created_by"]
    list_filter = ["field"]
    raw_id_fields = ["signal", "created_by"]
