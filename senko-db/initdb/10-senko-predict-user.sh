#!/bin/sh
# Runs once, when the MySQL image initialises an empty data volume (/docker-entrypoint-initdb.d).
# senko-predict gets its own account that can read the model registry and nothing else; the native
# path (senko-app/native_stack.py, start_db) creates the same account.
# CREATE is there only because a table-level grant may not name a table that does not exist yet
# (senko-app's migrations create ml_models later); it allows creating that one table, nothing more.
set -eu
: "${SENKO_PREDICT_DB_PASSWORD:?set SENKO_PREDICT_DB_PASSWORD}"
mysql --protocol=socket -uroot -p"${MYSQL_ROOT_PASSWORD}" <<SQL
CREATE USER IF NOT EXISTS 'senko_predict'@'%' IDENTIFIED BY '${SENKO_PREDICT_DB_PASSWORD}';
GRANT SELECT, CREATE ON \`${MYSQL_DATABASE}\`.\`ml_models\` TO 'senko_predict'@'%';
SQL
