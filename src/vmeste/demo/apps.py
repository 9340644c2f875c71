from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vmeste.demo"
    label = "demo"
    verbose_name = "Demo data"
