"""Each database's full-text index of explainer_searchdocument, kept inside the
database itself so that no write can leave them apart.

PostgreSQL: a generated, weighted tsvector column (headings A, text B, who and where D)
with a GIN index. SQLite: an FTS5 table over the Snowball stems of the same columns (as
PostgreSQL's `english` configuration stems them; explainer.searchindex writes them),
kept by triggers: an "external content" table. Accents are kept on both, as PostgreSQL's
`english` configuration keeps them.

Django rebuilds a SQLite table to alter it, which drops its triggers: `ensure()` runs
after every `migrate` and puts back whatever is missing.
"""

TABLE = "explainer_searchdocument"
FTS = f"{TABLE}_fts"
COLUMNS = "heading_stems, text_stems, extra_stems"
OLD = "old.heading_stems, old.text_stems, old.extra_stems"
NEW = "new.heading_stems, new.text_stems, new.extra_stems"

POSTGRESQL = [
    f"""
    ALTER TABLE {TABLE} ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', heading), 'A')
        || setweight(to_tsvector('english', text), 'B')
        || setweight(to_tsvector('english', extra), 'D')
    ) STORED
    """,
    f"CREATE INDEX {TABLE}_vector ON {TABLE} USING gin (vector)",
]
SQLITE_TABLE = f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
        {COLUMNS}, content='{TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
"""
SQLITE_TRIGGERS = {
    f"{FTS}_insert": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON {TABLE} BEGIN
            INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
        END
    """,
    f"{FTS}_delete": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON {TABLE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
        END
    """,
    f"{FTS}_update": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE ON {TABLE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
            INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
        END
    """,
}


def create(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRESQL
    elif vendor == "sqlite":
        statements = [SQLITE_TABLE, *SQLITE_TRIGGERS.values()]
    else:
        raise RuntimeError("Search needs PostgreSQL or SQLite.")
    for statement in statements:
        schema_editor.execute(statement)


def drop(schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
    # PostgreSQL's column and index go with the table.


def missing(connection):
    """The parts of the SQLite index that are not there (always none on PostgreSQL)."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE %s", [f"{FTS}%"])
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in [FTS, *SQLITE_TRIGGERS] if name not in present]


def ensure(connection):
    """Put back a missing FTS5 table or trigger, and refill the index from the table
    if anything was missing. Returns what was missing."""
    lost = missing(connection)
    if lost:
        with connection.cursor() as cursor:
            cursor.execute(SQLITE_TABLE)
            for statement in SQLITE_TRIGGERS.values():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    return lost
