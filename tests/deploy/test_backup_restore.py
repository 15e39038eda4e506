"""Backups restore: scripts/backup.sh then scripts/restore.sh give back every row, file and key.

Runs on PostgreSQL (the CI's PostgreSQL pass): a throwaway source database is migrated and
loaded with the demo city, backed up, restored into a second throwaway database, and every
table's row count compared; media and key files must come back byte for byte, keys mode 600.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")),
        reason="needs PostgreSQL: runs in the PostgreSQL pass of .ci/run (make test-pg)",
    ),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump not installed"),
]


def server_url() -> dict:
    import environ

    cfg = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    return {
        "host": cfg.get("HOST") or "127.0.0.1",
        "port": int(cfg.get("PORT") or 5432),
        "user": cfg.get("USER") or "postgres",
        "password": cfg.get("PASSWORD") or None,
    }


def connect(dbname: str):
    import psycopg

    return psycopg.connect(dbname=dbname, autocommit=True, **server_url())


def db_url(name: str) -> str:
    s = server_url()
    auth = s["user"] + (f":{s['password']}" if s["password"] else "")
    return f"postgres://{auth}@{s['host']}:{s['port']}/{name}"


def row_counts(dbname: str) -> dict[str, int]:
    with connect(dbname) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def run(cmd, env, **kw):
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, **kw)
    assert out.returncode == 0, f"{cmd} failed:\n{out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.fixture
def databases():
    names = [f"gongzhi_bk_{kind}_{os.getpid()}" for kind in ("src", "dst")]
    with connect("postgres") as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    yield names
    with connect("postgres") as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def portal_env(db: str, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DATABASE_URL=db_url(db),
        MEDIA_ROOT=str(folder / "media"),
        PRIVATE_MEDIA_ROOT=str(folder / "private"),
        BOARD_KEY_DIR=str(folder / "keys"),
        PYTHON=sys.executable,
        LOG_LEVEL="WARNING",
    )
    return env


def test_backup_then_restore_gives_back_every_row_file_and_key(databases, tmp_path):
    """Every table's row count, every media and private file and every key survive backup and
    restore."""
    src, dst = databases
    source = portal_env(src, tmp_path / "live")
    run([sys.executable, "manage.py", "migrate", "-v0"], source)
    run([sys.executable, "manage.py", "load_demo_data"], source)
    media = tmp_path / "live/media/evidence"
    media.mkdir(parents=True)
    (media / "repair-photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    private = tmp_path / "live/private/fund"
    private.mkdir(parents=True, exist_ok=True)
    (private / "invoice.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2048))
    keys = tmp_path / "live/keys"  # the demo data already made the board keys here
    keys.mkdir(mode=0o700, exist_ok=True)
    keys.chmod(0o700)
    (keys / "board-signing.key").write_bytes(os.urandom(32))
    (keys / "board-signing.key").chmod(0o600)

    backup = tmp_path / "backup"
    run(["bash", "scripts/backup.sh", str(backup)], source)
    assert {p.name for p in backup.iterdir()} == {
        "db.dump",
        "media.tar.gz",
        "private.tar.gz",
        "keys.tar.gz",
        "MANIFEST.sha256",
    }
    assert (backup / "keys.tar.gz").stat().st_mode & 0o077 == 0
    assert (backup / "private.tar.gz").stat().st_mode & 0o077 == 0

    target = portal_env(dst, tmp_path / "restored")
    run(["bash", "scripts/restore.sh", str(backup)], target)

    before, after = row_counts(src), row_counts(dst)
    assert before == after
    assert before["registry_unit"] > 1000 and before["accounts_user"] > 10
    restored = tmp_path / "restored"
    assert (restored / "media/evidence/repair-photo.png").read_bytes() == (
        media / "repair-photo.png"
    ).read_bytes()
    assert (restored / "private/fund/invoice.pdf").read_bytes() == (
        private / "invoice.pdf"
    ).read_bytes()
    key = restored / "keys/board-signing.key"
    assert key.read_bytes() == (keys / "board-signing.key").read_bytes()
    assert key.stat().st_mode & 0o777 == 0o600

    # The restored portal works: Django sees the same demo accounts.
    out = run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from portal.accounts.models import User; print(User.objects.count())",
        ],
        target,
    )
    assert out.strip().splitlines()[-1] == str(before["accounts_user"])


def test_damaged_backup_is_refused_before_anything_changes(databases, tmp_path):
    """A backup whose files fail the manifest check restores nothing."""
    src, dst = databases
    with connect(src) as conn:
        conn.execute("CREATE TABLE marker (n int)")
        conn.execute("INSERT INTO marker VALUES (1), (2)")
    backup = tmp_path / "backup"
    run(["bash", "scripts/backup.sh", str(backup)], portal_env(src, tmp_path / "live"))
    dump = backup / "db.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    out = subprocess.run(
        ["bash", "scripts/restore.sh", str(backup)],
        cwd=ROOT,
        env=portal_env(dst, tmp_path / "restored"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0 and "manifest" in out.stdout + out.stderr
    assert row_counts(dst) == {}
