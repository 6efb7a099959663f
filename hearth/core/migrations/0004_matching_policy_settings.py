"""Councils' stored policies gain the in-house search's settings at their defaults, so that saving
the policy form unchanged records no change."""

from django.db import migrations

THRESHOLDS = {"distance_limit_miles": 20, "fostering_limit": 3}
SWITCHES = {"risk_to_younger_children_bars": False}


def add_defaults(apps, schema_editor):
    Policy = apps.get_model("core", "Policy")
    for policy in Policy.objects.all():
        policy.thresholds = {**THRESHOLDS, **policy.thresholds}
        policy.switches = {**SWITCHES, **policy.switches}
        policy.save(update_fields=["thresholds", "switches"])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_synthetic_organisations_and_demo_users")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
