-- Senko's database and its accounts, for compose and the native path alike. Both fill in the
-- placeholders (names in double braces) and run this file as root: compose from
-- initdb/10-senko-accounts.sh on an empty volume, the native stack (senko_stack, `make up`) on
-- every start, once per host part. Safe to run again: the passwords are (re)applied with ALTER
-- USER, so the caller's secrets (var/senko.env natively) win.

CREATE DATABASE IF NOT EXISTS `{{DB_NAME}}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;

-- senko-app: everything on its own database (it runs the migrations).
CREATE USER IF NOT EXISTS '{{APP_USER}}'@'{{HOST}}';
ALTER USER '{{APP_USER}}'@'{{HOST}}' IDENTIFIED BY '{{APP_PASSWORD}}';
GRANT ALL PRIVILEGES ON `{{DB_NAME}}`.* TO '{{APP_USER}}'@'{{HOST}}';

-- senko-predict reads the model registry and nothing else: a malicious pickle loaded there cannot
-- read applicants or change the registry.
-- CREATE is there only because a table-level grant may not name a table that does not exist yet
-- (senko-app's migrations create ml_models later); it allows creating that one table, nothing more.
CREATE USER IF NOT EXISTS '{{PREDICT_USER}}'@'{{HOST}}';
ALTER USER '{{PREDICT_USER}}'@'{{HOST}}' IDENTIFIED BY '{{PREDICT_PASSWORD}}';
GRANT SELECT, CREATE ON `{{DB_NAME}}`.`ml_models` TO '{{PREDICT_USER}}'@'{{HOST}}';
