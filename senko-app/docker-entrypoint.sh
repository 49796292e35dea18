#!/bin/sh
# senko-app entrypoint: `server` boots once (wait for MySQL and Redis, migrate, first admin: `flask
# boot`, the same command `make up` runs) then execs uWSGI; any other command (celery ..., flask ...)
# is exec'd as given. Only `flask boot` uses the migrator account (SENKO_MIGRATE_DATABASE_URL):
# uWSGI runs without it.
set -e
# SENKO_METRICS_DIR (compose: senko-app, senko-worker): prometheus_client's multiprocess folder, emptied
# here and given to the long-running process only (not to `flask boot` or healthchecks).
metrics() {
    if [ -n "$SENKO_METRICS_DIR" ]; then
        mkdir -p "$SENKO_METRICS_DIR" && rm -f "$SENKO_METRICS_DIR"/*.db
        export PROMETHEUS_MULTIPROC_DIR="$SENKO_METRICS_DIR"
    fi
}

case "$1" in
    server)
        flask boot
        unset SENKO_MIGRATE_DATABASE_URL
        metrics
        exec uwsgi --ini /app/uwsgi.ini
        ;;
    *)
        metrics
        exec "$@"
        ;;
esac
