"""The history of sessions (SQLite) and the progress page."""
