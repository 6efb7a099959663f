"""A policy's history is kept as it was written: the database refuses to change or delete it."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER policy_change_no_update BEFORE UPDATE ON core_policychange
       BEGIN SELECT RAISE(ABORT, 'policy history is append-only'); END;""",
    """CREATE TRIGGER policy_change_no_delete BEFORE DELETE ON core_policychange
       BEGIN SELECT RAISE(ABORT, 'policy history is append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER policy_change_no_update;", "DROP TRIGGER policy_change_no_delete;"]

POSTGRES = [
    """CREATE FUNCTION policy_change_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'policy history is append-only'; END; $$;""",
    """CREATE TRIGGER policy_change_no_change BEFORE UPDATE OR DELETE ON core_policychange
       FOR EACH ROW EXECUTE FUNCTION policy_change_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER policy_change_no_change ON core_policychange;",
    "DROP FUNCTION policy_change_append_only();",
]


def forwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES if postgres else SQLITE:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_REVERSE if postgres else SQLITE_REVERSE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
