"""Shared by the benchmarks that need their own PostgreSQL database."""

from django.db import connection


def create_database() -> None:
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    import psycopg

    if connection.vendor != "postgresql":
        return
    params = connection.settings_dict
    name = params["NAME"]
    with psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def vacuum_analyze() -> None:
    """Clean up dead rows and bring the planner's statistics up to date, as autovacuum does
    on a production server.

    A server may run with autovacuum off (CI machines often do), and each run of a benchmark
    leaves dead rows behind. Without this, the planner takes a grading pass's few hundred rows
    for tens of thousands and starts parallel workers for them, and the look-up of waiting
    attempts reads through every attempt ever submitted: not what production measures.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
