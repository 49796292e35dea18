#!/bin/sh
# senko-app entrypoint: `server` boots once (wait for MySQL and Redis, migrate, first admin: `flask
# boot`, the same command `make up` runs) then execs uWSGI; any other command (celery ..., flask ...)
# is exec'd as given.
set -e

case "$1" in
    server)
        flask boot
        exec uwsgi --ini /app/uwsgi.ini
        ;;
    *)
        exec "$@"
        ;;
esac
