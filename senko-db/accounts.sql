-- Senko's database and its accounts, for compose and the native path alike. Both fill in the
-- placeholders (names in double braces) and run this file as root: compose from
-- initdb/10-senko-accounts.sh on an empty volume, the native stack (senko_stack, `make up`) on
-- every start, once per host part. Safe to run again: the passwords are (re)applied with ALTER
-- USER and every account's privileges are reset to exactly the ones below (REVOKE ALL, then
-- GRANT), so the caller's secrets (var/senko.env natively) win and an older, wider grant goes.

CREATE DATABASE IF NOT EXISTS `{{DB_NAME}}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;

-- The migrator: the schema (DDL) and its data. Used only by `flask boot` / `flask db upgrade`
-- (SENKO_MIGRATE_DATABASE_URL); no running service holds its password.
CREATE USER IF NOT EXISTS '{{MIGRATE_USER}}'@'{{HOST}}';
ALTER USER '{{MIGRATE_USER}}'@'{{HOST}}' IDENTIFIED BY '{{MIGRATE_PASSWORD}}';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{{MIGRATE_USER}}'@'{{HOST}}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES
    ON `{{DB_NAME}}`.* TO '{{MIGRATE_USER}}'@'{{HOST}}';

-- senko-app at run time (API, worker, beat): rows only (DML). It cannot create, alter, drop or
-- truncate a table, so an SQL injection or a stolen password cannot change the schema.
CREATE USER IF NOT EXISTS '{{APP_USER}}'@'{{HOST}}';
ALTER USER '{{APP_USER}}'@'{{HOST}}' IDENTIFIED BY '{{APP_PASSWORD}}';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{{APP_USER}}'@'{{HOST}}';
GRANT SELECT, INSERT, UPDATE, DELETE ON `{{DB_NAME}}`.* TO '{{APP_USER}}'@'{{HOST}}';

-- senko-predict reads the model registry and nothing else: a malicious model file loaded there cannot
-- read applicants or change the registry.
-- CREATE is there only because a table-level grant may not name a table that does not exist yet
-- (senko-app's migrations create ml_models later); it allows creating that one table, nothing more.
CREATE USER IF NOT EXISTS '{{PREDICT_USER}}'@'{{HOST}}';
ALTER USER '{{PREDICT_USER}}'@'{{HOST}}' IDENTIFIED BY '{{PREDICT_PASSWORD}}';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{{PREDICT_USER}}'@'{{HOST}}';
GRANT SELECT, CREATE ON `{{DB_NAME}}`.`ml_models` TO '{{PREDICT_USER}}'@'{{HOST}}';
