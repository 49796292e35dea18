"""Read-only view of senko-app's model registry (the ``ml_models`` table)."""
import json

from sqlalchemy import create_engine, text


class Registry:
    """Finds the active model's row; senko-app owns and writes the table."""

    def __init__(self, url: str):
        self.engine = create_engine(url, pool_pre_ping=True, pool_recycle=280, pool_size=1, max_overflow=1)

    def active(self) -> dict | None:
        """The active model's version, file, sha256 and metadata, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(text(
                "SELECT version, filename, sha256, algorithm, training_size, metrics, trained_at "
                "FROM ml_models WHERE status = 'active' ORDER BY activated_at DESC LIMIT 1"
            )).mappings().first()
        if row is None:
            return None
        row = dict(row)
        if isinstance(row["metrics"], (str, bytes)):  # MariaDB stores JSON as text
            row["metrics"] = json.loads(row["metrics"])
        return row
