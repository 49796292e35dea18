#!/bin/bash
# Runs once, when the MySQL image initialises an empty data volume (/docker-entrypoint-initdb.d):
# the database and Senko's accounts from accounts.sql, the same file the native path (`make up`)
# runs. Here every account's host part is '%' (the clients are other containers). The image has
# already created MYSQL_USER with every privilege on MYSQL_DATABASE: accounts.sql cuts it down to DML.
set -euo pipefail
: "${MYSQL_DATABASE:?}" "${MYSQL_USER:?}" "${MYSQL_PASSWORD:?}" "${MYSQL_ROOT_PASSWORD:?}"
: "${SENKO_PREDICT_DB_PASSWORD:?set SENKO_PREDICT_DB_PASSWORD}"
: "${SENKO_MIGRATE_DB_PASSWORD:?set SENKO_MIGRATE_DB_PASSWORD}"

name() {  # a database or user name goes into SQL as is: letters, digits and _ only
    [[ $1 =~ ^[A-Za-z0-9_]+$ ]] || { echo "10-senko-accounts.sh: bad name '$1'" >&2; exit 1; }
    printf '%s' "$1"
}
secret() {  # a password inside a '...' SQL string: \ and ' escaped
    local value=$1 bs='\' q="'"
    value=${value//"$bs"/"$bs$bs"}
    printf '%s' "${value//"$q"/"$q$q"}"
}

# Where senko-db's Dockerfile puts it (SENKO_ACCOUNTS_SQL: another copy, for tests/test_stack_runner.py).
sql=$(cat "${SENKO_ACCOUNTS_SQL:-/usr/local/share/senko/accounts.sql}")
# Quoted replacements: taken literally (no & or \ magic), whatever the password holds.
sql=${sql//'{{DB_NAME}}'/"$(name "$MYSQL_DATABASE")"}
sql=${sql//'{{APP_USER}}'/"$(name "$MYSQL_USER")"}
sql=${sql//'{{APP_PASSWORD}}'/"$(secret "$MYSQL_PASSWORD")"}
sql=${sql//'{{PREDICT_USER}}'/senko_predict}
sql=${sql//'{{MIGRATE_USER}}'/senko_migrator}
sql=${sql//'{{MIGRATE_PASSWORD}}'/"$(secret "$SENKO_MIGRATE_DB_PASSWORD")"}
sql=${sql//'{{PREDICT_PASSWORD}}'/"$(secret "$SENKO_PREDICT_DB_PASSWORD")"}
sql=${sql//'{{HOST}}'/%}
if [[ $sql == *'{{'* ]]; then
    echo "10-senko-accounts.sh: accounts.sql has a placeholder this script does not fill" >&2
    exit 1
fi
mysql --protocol=socket -uroot -p"$MYSQL_ROOT_PASSWORD" <<<"$sql"
