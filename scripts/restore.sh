#!/usr/bin/env bash
# Restore a Gongzhi backup made by scripts/backup.sh into the configured database and folders.
#
#   scripts/restore.sh BACKUP_DIR
#
# The target database (DATABASE_URL) must exist; its objects are replaced (pg_restore --clean).
# Media are unpacked into MEDIA_ROOT, private uploads into PRIVATE_MEDIA_ROOT. Keys are unpacked into BOARD_KEY_DIR only when that folder
# is empty or FORCE_KEYS=1 (overwriting live keys would make open votes undecryptable).
# The manifest is checked first; nothing is touched if a file is damaged.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
SRC=${1:?usage: scripts/restore.sh BACKUP_DIR}
umask 077

(cd "$SRC" && sha256sum --check --quiet MANIFEST.sha256) || { echo "manifest check failed"; exit 1; }

read -r DB_URL MEDIA PRIVATE KEYS < <("$PY" - <<'PYEOF'
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
assert db["ENGINE"].endswith("postgresql"), "restore.sh needs PostgreSQL (DATABASE_URL)"
from urllib.parse import quote
auth = quote(db.get("USER") or "postgres") + (":" + quote(db["PASSWORD"], safe="") if db.get("PASSWORD") else "")
url = f"postgresql://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
print(url, settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT, settings.BOARD_KEY_DIR)
PYEOF
)

echo "restore $SRC -> database $(basename "$DB_URL")"
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --dbname="$DB_URL" "$SRC/db.dump"

if [ -f "$SRC/media.tar.gz" ]; then
  mkdir -p "$MEDIA"
  tar -C "$MEDIA" -xzf "$SRC/media.tar.gz"
  echo "  media -> $MEDIA"
fi

if [ -f "$SRC/private.tar.gz" ]; then
  mkdir -p "$PRIVATE"
  tar -C "$PRIVATE" -xzf "$SRC/private.tar.gz"
  echo "  private uploads -> $PRIVATE"
fi

if [ -f "$SRC/keys.tar.gz" ]; then
  mkdir -p "$KEYS"
  if [ -n "$(ls -A "$KEYS")" ] && [ "${FORCE_KEYS:-0}" != "1" ]; then
    echo "  keys: $KEYS is not empty; left alone (FORCE_KEYS=1 to overwrite)"
  else
    tar -C "$KEYS" -xzf "$SRC/keys.tar.gz"
    chmod 700 "$KEYS"
    find "$KEYS" -type f -exec chmod 600 {} +
    echo "  keys -> $KEYS"
  fi
fi
echo "done"
