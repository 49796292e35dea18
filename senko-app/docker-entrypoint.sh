#!/bin/sh
# senko-app entrypoint: wait for MySQL and Redis, migrate once (server only), then exec the command.
set -e

wait_for() {
    python - "$1" <<'PY'
import sys, time
from sqlalchemy import create_engine, text
import redis, os
what = sys.argv[1]
for attempt in range(120):
    try:
        if what == "db":
            create_engine(os.environ["SENKO_DATABASE_URL"]).connect().execute(text("SELECT 1"))
        else:
            redis.Redis.from_url(os.environ["SENKO_REDIS_URL"]).ping()
        sys.exit(0)
    except Exception as exc:
        print(f"waiting for {what}: {exc}", flush=True)
        time.sleep(1)
sys.exit(f"{what} did not come up")
PY
}

case "$1" in
    server)
        wait_for db
        wait_for redis
        flask db upgrade
        if [ -n "$SENKO_ADMIN_EMAIL" ]; then
            SENKO_NEW_PASSWORD="$SENKO_ADMIN_PASSWORD" flask users create --email "$SENKO_ADMIN_EMAIL" --role admin --if-missing
        fi
        exec uwsgi --ini /app/uwsgi.ini
        ;;
    *)
        exec "$@"
        ;;
esac
