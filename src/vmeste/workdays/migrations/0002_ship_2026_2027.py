"""Ship the production calendar for 2026 and 2027 from the maintained holidays package.

Later years are added by the sweep (calendar.next_year) or `vmeste calendar_load YEAR`.
"""

from django.db import migrations


def load(apps, schema_editor):
    import holidays

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    source = f"holidays {holidays.__version__}"
    for year in (2026, 2027):
        russia = holidays.country_holidays("RU", years=year, language="ru")
        for day, name in russia.items():
            CalendarDay.objects.get_or_create(date=day, defaults={"kind": "holiday", "name": name, "source": source})
        for day in getattr(russia, "weekend_workdays", set()):
            if day.year == year:
                CalendarDay.objects.get_or_create(
                    date=day, defaults={"kind": "workday", "name": "Рабочий день (перенос)", "source": source}
                )


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
