"""`make run`'s PostgreSQL: the embedded cluster initialises, starts and offers what the portal needs."""

import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from portal import embedded_db


@pytest.mark.slow
def test_the_embedded_cluster_starts_in_an_empty_directory_with_the_extensions_the_portal_uses():
    # A short path of its own: a Unix socket path has a length limit.
    root = Path(tempfile.mkdtemp(prefix="yp-pg-")) / "postgres"
    try:
        assert embedded_db.start(root) is True
        assert embedded_db.start(root) is False  # a second start finds it running
        with psycopg.connect(embedded_db.database_url(root), autocommit=True) as conn:
            assert conn.info.server_version >= 150000
            conn.execute("CREATE EXTENSION pg_trgm; CREATE EXTENSION btree_gist; CREATE EXTENSION unaccent")
            assert conn.execute("SELECT unaccent('Eläkeläiset')").fetchone() == ("Elakelaiset",)
            assert conn.execute("SELECT to_tsvector('finnish', 'karhujen')::text").fetchone() == ("'karhu':1",)
        assert embedded_db.stop(root) is True
        assert not embedded_db.is_running(root)
        assert (root / "data" / "PG_VERSION").exists()  # the data stays for the next run
    finally:
        embedded_db.stop(root)
        shutil.rmtree(root.parent)
