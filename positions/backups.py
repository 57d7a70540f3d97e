"""Backups of the whole database: pg_dump's custom format, or a SQLite copy.

SQLite is copied with its online backup API, so a running server can keep
writing; PostgreSQL uses pg_dump/pg_restore, whose custom format restores
selectively and in one transaction.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _is_postgres(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def _pg_arguments(alias: str) -> tuple[list[str], dict]:
    settings = connections[alias].settings_dict
    arguments = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        arguments += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", settings["USER"]]
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, environment


def _run(command: list[str], environment: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools).")
    result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        command, env=environment, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(path: Path, *, alias: str = "default") -> Path:
    """Write a complete copy of the database to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if _is_postgres(alias):
        arguments, environment = _pg_arguments(alias)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(path),
                *arguments,
            ],
            environment,
        )
        return path
    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return path


def restore(path: Path, *, alias: str = "default") -> None:
    """Replace the database's contents with the backup at ``path``, all at once."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if _is_postgres(alias):
        connections[alias].close()
        arguments, environment = _pg_arguments(alias)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *arguments,
                str(path),
            ],
            environment,
        )
        return
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
