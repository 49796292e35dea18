#!/bin/sh
# senko-app entrypoint: `server` boots once (wait for MySQL and Redis, migrate, first admin: `flask
# boot`, the same command `make up` runs) then execs uWSGI; any other command (celery ..., flask ...)
# is exec'd as given. Only `flask boot` uses the migrator account (SENKO_MIGRATE_DATABASE_URL):
# uWSGI runs without it.
set -e

case "$1" in
    server)
        flask boot
        unset SENKO_MIGRATE_DATABASE_URL
        exec uwsgi --ini /app/uwsgi.ini
        ;;
    *)
        exec "$@"
        ;;
esac
