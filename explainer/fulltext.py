"""Each database's full-text index of explainer_searchdocument, kept inside the
database itself so that no write can leave them apart.

PostgreSQL: a generated, weighted tsvector column (headings A, text B, who and where D)
with a GIN index. SQLite: an FTS5 table over the Snowball stems of the same columns (as
PostgreSQL's `english` configuration stems them; explainer.searchindex writes them),
kept by triggers: an "external content" table. Accents are kept on both, as PostgreSQL's
`english` configuration keeps them.

Django rebuilds a SQLite table to alter it, which drops its triggers: `ensure()` runs
after every `migrate` and remakes whatever is missing or made differently (a changed
tokenizer, say). A change to how explainer.searchindex writes the stems needs the index
made afresh: `ensure` does it when the table's definition changes too, otherwise run
`manage.py rebuild_search_index`.
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


def _words(sql):
    return " ".join(sql.replace("IF NOT EXISTS ", "").split())


def missing(connection):
    """The parts of the SQLite index that are not there, or not made as they are made
    now (always none on PostgreSQL)."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE %s", [f"{FTS}%"])
        present = {name: _words(sql or "") for name, sql in cursor.fetchall()}
    wanted = {FTS: SQLITE_TABLE, **SQLITE_TRIGGERS}
    return [name for name, sql in wanted.items() if present.get(name) != _words(sql)]


def ensure(connection):
    """Make the SQLite index as it is made now wherever it is missing or made another
    way, and refill it from the table. Returns what was remade; the caller makes the
    stems afresh (they may be written another way too)."""
    remade = missing(connection)
    if remade:
        with connection.cursor() as cursor:
            if FTS in remade:
                cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(SQLITE_TABLE)
            for statement in SQLITE_TRIGGERS.values():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    return remade
