from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark data generator and load scenarios (no tables)."""

    name = "vmeste.bench"
    verbose_name = "Benchmarks"
