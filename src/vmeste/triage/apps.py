from django.apps import AppConfig


class TriageConfig(AppConfig):
    """Offline Russian text triage: cleaning, classifiers, evaluation (no models, no tables)."""

    name = "vmeste.triage"
    verbose_name = "Triage"
