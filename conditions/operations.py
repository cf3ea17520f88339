"""Migration operations for what only PostgreSQL has."""

from django.db.migrations.operations import AddIndex


class AddIndexOnPostgreSQL(AddIndex):
    """AddIndex that creates the index on PostgreSQL only (a GIN index means nothing to SQLite).

    The migration state gains the index everywhere, so `makemigrations --check` stays clean.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
