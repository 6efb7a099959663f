"""`hearth backup FILE` and `hearth restore FILE`: the whole database, audit included.

A backup is gzip-compressed JSON Lines: one header line (format, Hearth version, when, from which
database, its migrations and the row count of every table), then one line per row in Django's
`jsonl` serialisation. Rows keep their ids and timestamps, so audit events come back exactly as they
were; it moves between SQLite and PostgreSQL. Rows that `hearth migrate` recreates (content types,
permissions) are referred to by natural key; sessions and lock-out counters are not kept.
Both directions stream, so memory stays small however long the audit trail grows.
"""

import gzip
import json
import os
from contextlib import contextmanager
from datetime import UTC, datetime, time
from pathlib import Path

from hearth.cli.console import UserError, add_format_option, print_json, say

FORMAT = "hearth-backup"
FORMAT_VERSION = 1
# Apps and models whose rows are not backed up: migrate recreates them, or they are transient.
NOT_BACKED_UP = {"contenttypes", "sessions", "axes", "auth.permission"}
AUDIT_MODEL = "audit.auditevent"
CHUNK_SIZE = 2000  # rows read at a time when writing a backup
BATCH_SIZE = 1000  # rows inserted at a time when restoring one


def register(commands):
    backup_parser = commands.add_parser(
        "backup",
        help="write the whole database, audit included, to a file",
        description="Write every record, the audit trail included, to FILE (gzip-compressed "
        "JSON Lines). It restores into SQLite or PostgreSQL. An existing FILE is not overwritten.",
    )
    backup_parser.add_argument("file", metavar="FILE", type=Path)
    add_format_option(backup_parser)
    backup_parser.set_defaults(run=backup)
    restore_parser = commands.add_parser(
        "restore",
        help="load a backup into a new, empty database",
        description="Load FILE, made by `hearth backup`, into a new database that `hearth migrate` "
        "has just prepared. All or nothing: if any row cannot be loaded, nothing is.",
    )
    restore_parser.add_argument("file", metavar="FILE", type=Path)
    add_format_option(restore_parser)
    restore_parser.set_defaults(run=restore)


def _label(model):
    return model._meta.label_lower


def backed_up_models():
    """Every model with rows of its own, ordered so natural keys load before their users."""
    from django.apps import apps
    from django.core import serializers

    def kept(model):
        meta = model._meta
        return (
            meta.managed and not meta.proxy and not {meta.app_label, _label(model)} & NOT_BACKED_UP
        )

    app_list = [
        (config, [m for m in config.get_models() if kept(m)]) for config in apps.get_app_configs()
    ]
    return serializers.sort_dependencies(app_list)


def _refers_outside(model, models):
    """Whether a row points at rows the backup leaves to migrate (content types, permissions)."""
    relations = [f for f in [*model._meta.fields, *model._meta.many_to_many] if f.is_relation]
    return any(field.related_model not in models for field in relations)


def _applied_migrations():
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _hearth_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hearth")
    except PackageNotFoundError:
        return "unknown"


def _header(models):
    from django.db import connection

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "hearth_version": _hearth_version(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database_vendor": connection.vendor,
        "migrations": _applied_migrations(),
        "counts": {_label(model): model._base_manager.count() for model in models},
    }


def _exact_json_encoder():
    """Django's JSON encoder, but times to the microsecond: Django's keeps only milliseconds,
    which would alter audit times. (Made on demand: Django's serialisers are slow to import.)"""
    from django.core.serializers.json import DjangoJSONEncoder

    class ExactJSONEncoder(DjangoJSONEncoder):
        def default(self, o):
            if isinstance(o, datetime | time):
                return o.isoformat()
            return super().default(o)

    return ExactJSONEncoder


def _write_rows(stream, model, natural_keys, encoder):
    from django.core import serializers

    many_to_many = [
        f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created
    ]
    rows = model._base_manager.order_by("pk").prefetch_related(*many_to_many).iterator(CHUNK_SIZE)
    serializers.serialize(
        "jsonl", rows, stream=stream, use_natural_foreign_keys=natural_keys, cls=encoder
    )


@contextmanager
def _snapshot():
    """One read-only transaction in which every query sees the database as it was when the backup
    began, while people go on working: REPEATABLE READ on PostgreSQL; on SQLite a DEFERRED
    transaction, which reads a snapshot without the write lock of Hearth's usual IMMEDIATE ones."""
    from django.db import connection, transaction

    connection.ensure_connection()
    usual_mode = getattr(connection, "transaction_mode", None)
    if connection.vendor == "sqlite":
        connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    finally:
        if connection.vendor == "sqlite":
            connection.transaction_mode = usual_mode


def write_backup(path):
    """Write the backup to `path` (via a temporary file beside it); returns its header."""
    models = backed_up_models()
    partial = path.with_name(path.name + ".partial")
    try:
        # Only its owner may read it: it holds every child's record and every password hash.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            _snapshot(),
            os.fdopen(descriptor, "wb") as raw,
            gzip.open(raw, "wt", encoding="utf-8", compresslevel=6) as stream,
        ):
            header = _header(models)
            stream.write(json.dumps(header) + "\n")
            encoder = _exact_json_encoder()
            for model in models:
                _write_rows(stream, model, _refers_outside(model, models), encoder)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return header


def _describe(header):
    total = sum(header["counts"].values())
    audit = header["counts"].get(AUDIT_MODEL, 0)
    return f"{total} rows ({audit} audit events)"


def backup(args):
    if args.file.exists():
        raise UserError(f"{args.file} exists already: choose a new file name")
    if not args.file.parent.is_dir():
        raise UserError(f"{args.file.parent}: no such folder")
    header = write_backup(args.file)
    size = args.file.stat().st_size
    if args.format == "json":
        print_json({"file": str(args.file), "bytes": size, **header})
    else:
        print(f"Backed up {_describe(header)} to {args.file} ({size / 1_000_000:.1f} MB).")


def read_header(stream, path):
    try:
        header = json.loads(stream.readline())
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as error:
        raise UserError(f"{path} is not a Hearth backup ({error})") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise UserError(f"{path} is not a Hearth backup")
    if header.get("format_version") != FORMAT_VERSION:
        raise UserError(
            f"{path} is in backup format {header.get('format_version')}: this Hearth cannot read it"
        )
    return header


def _check_target_is_empty(models):
    if any(model._base_manager.exists() for model in models):
        raise UserError(
            "the database is not empty. Restore into a new, empty database: "
            "run `hearth migrate` on a new DATABASE_URL first"
        )


def _check_migrations_known(header):
    """A backup from a newer Hearth has tables or columns this database lacks."""
    applied = _applied_migrations()
    missing = [
        f"{app}.{name}"
        for app, names in header["migrations"].items()
        for name in names
        if name not in applied.get(app, [])
    ]
    if missing:
        raise UserError(
            f"the backup was made by a newer Hearth ({header['hearth_version']}): this database "
            f"lacks migrations {', '.join(missing)}. Upgrade Hearth and run `hearth migrate` first"
        )


def _load_rows(stream):
    """Insert every row as it was (ids, timestamps), a batch at a time; returns the models loaded."""
    from django.core import serializers

    loaded, batch, deferred = set(), [], []
    for row in serializers.deserialize("jsonl", stream, handle_forward_references=True):
        if batch and (type(row.object) is not type(batch[0].object) or len(batch) == BATCH_SIZE):
            _insert(batch)
            batch = []
        batch.append(row)
        loaded.add(type(row.object))
        if row.deferred_fields:
            deferred.append(row)
    _insert(batch)
    for row in deferred:
        row.save_deferred_fields()
    return loaded


def _insert(rows):
    """Rows of one model as they are (raw: ids and timestamps kept), then their many-to-many links.

    Model.save() would insert them one by one, several times slower for a long audit trail."""
    from django.db import connection

    if not rows:
        return
    model = type(rows[0].object)
    if model._meta.parents:  # multi-table inheritance: save() fills each table in turn
        for row in rows:
            row.save(force_insert=True)
        return
    objects = [row.object for row in rows]
    fields = model._meta.local_concrete_fields
    size = connection.ops.bulk_batch_size(fields, objects)
    for start in range(0, len(objects), size):
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True)
    for row in rows:
        for accessor, values in (row.m2m_data or {}).items():
            getattr(row.object, accessor).set(values)


def _reset_sequences(models):
    """PostgreSQL hands out the next ids after the restored ones (SQLite does so by itself)."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _check_counts(header, models):
    counts = {_label(model): model._base_manager.count() for model in models}
    wrong = [label for label, count in header["counts"].items() if counts.get(label) != count]
    if wrong:
        raise UserError(
            f"the backup is incomplete or damaged: the counts of {', '.join(wrong)} differ"
        )


def load_backup(stream, header):
    from django.db import connection, transaction

    models = backed_up_models()
    _check_target_is_empty(models)
    _check_migrations_known(header)
    with transaction.atomic():
        with connection.constraint_checks_disabled():
            loaded = _load_rows(stream)
        connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
        _reset_sequences(loaded)
        _check_counts(header, models)


def restore(args):
    from django.core.serializers.base import DeserializationError
    from django.db import DatabaseError

    if not args.file.is_file():
        raise UserError(f"{args.file}: no such file")
    with gzip.open(args.file, "rt", encoding="utf-8") as stream:
        header = read_header(stream, args.file)
        try:
            load_backup(stream, header)
        except (DeserializationError, DatabaseError, OSError, EOFError) as error:
            raise UserError(
                f"nothing was restored: {args.file} could not be loaded: {error}"
            ) from error
    if args.format == "json":
        print_json({"file": str(args.file), **header})
    else:
        made = f"{header['created_at']} from {header['database_vendor']}"
        say(f"The backup was made {made} by Hearth {header['hearth_version']}.")
        print(f"Restored {_describe(header)} from {args.file}.")
