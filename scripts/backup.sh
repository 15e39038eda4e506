#!/usr/bin/env bash
# Back up Gongzhi: the PostgreSQL database (pg_dump custom format), the media folder, the private
# uploads folder (fund attachments) and the bulletin-board / PDF-signing key folder, into one
# dated folder with a SHA-256 manifest.
#
#   scripts/backup.sh [DEST]            DEST defaults to var/backups/<UTC timestamp>
#
# Reads the same environment as the portal (DATABASE_URL, MEDIA_ROOT, PRIVATE_MEDIA_ROOT,
# BOARD_KEY_DIR, or .env):
# the paths are asked from Django's settings so backup and portal never disagree.
# The key archive is written with mode 600; store it apart from the database dump (see
# docs/deploy.md): whoever holds both can decrypt sealed ballots of open votes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
umask 077

read -r DB_URL MEDIA PRIVATE KEYS MEDIA_REMOTE < <("$PY" - <<'PYEOF'
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
assert db["ENGINE"].endswith("postgresql"), "backup.sh needs PostgreSQL (DATABASE_URL)"
from urllib.parse import quote
auth = quote(db.get("USER") or "postgres") + (":" + quote(db["PASSWORD"], safe="") if db.get("PASSWORD") else "")
url = f"postgresql://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
remote = "s3" if "S3" in settings.STORAGES["default"]["BACKEND"] else "local"
print(url, settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT, settings.BOARD_KEY_DIR, remote)
PYEOF
)

DEST=${1:-var/backups/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$DEST"
echo "backup -> $DEST"

pg_dump --format=custom --no-owner --no-privileges --file="$DEST/db.dump" "$DB_URL"
echo "  database: $(du -h "$DEST/db.dump" | cut -f1)"

if [ "$MEDIA_REMOTE" = "local" ] && [ -d "$MEDIA" ]; then
  tar -C "$MEDIA" -czf "$DEST/media.tar.gz" .
  echo "  media: $(du -h "$DEST/media.tar.gz" | cut -f1)"
else
  echo "  media: on object storage (bucket versioning/replication backs it up) or none"
fi

if [ -d "$PRIVATE" ]; then
  tar -C "$PRIVATE" -czf "$DEST/private.tar.gz" .
  chmod 600 "$DEST/private.tar.gz"
  echo "  private uploads: $(du -h "$DEST/private.tar.gz" | cut -f1)"
fi

if [ -d "$KEYS" ]; then
  tar -C "$KEYS" -czf "$DEST/keys.tar.gz" .
  chmod 600 "$DEST/keys.tar.gz"
  echo "  keys: $(ls "$KEYS" | wc -l) files"
fi

(cd "$DEST" && sha256sum -- * > MANIFEST.sha256)
echo "done: $DEST"
