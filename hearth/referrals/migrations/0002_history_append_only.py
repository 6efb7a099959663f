"""The database refuses to change or delete a referral's history row, on SQLite and PostgreSQL."""

from django.db import migrations

TABLE = "referrals_referralevent"
MESSAGE = "referral history is append-only"

SQLITE = [
    f"""CREATE TRIGGER referral_event_no_update BEFORE UPDATE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER referral_event_no_delete BEFORE DELETE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER referral_event_no_update;",
    "DROP TRIGGER referral_event_no_delete;",
]

POSTGRES = [
    f"""CREATE FUNCTION referral_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$;""",
    f"""CREATE TRIGGER referral_event_no_change BEFORE UPDATE OR DELETE ON {TABLE}
       FOR EACH ROW EXECUTE FUNCTION referral_event_append_only();""",
    f"""CREATE TRIGGER referral_event_no_truncate BEFORE TRUNCATE ON {TABLE}
       FOR EACH STATEMENT EXECUTE FUNCTION referral_event_append_only();""",
]
POSTGRES_REVERSE = [
    f"DROP TRIGGER referral_event_no_truncate ON {TABLE};",
    f"DROP TRIGGER referral_event_no_change ON {TABLE};",
    "DROP FUNCTION referral_event_append_only();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRES_REVERSE if vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
