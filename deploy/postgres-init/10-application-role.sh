#!/bin/sh
# Run once by the postgres image when it initialises an empty data volume (mounted at
# /docker-entrypoint-initdb.d): creates the role the application connects as. It owns nothing;
# `manage.py migrate`, run as the owner (POSTGRES_USER), grants it its privileges
# (organisations/database_role.py, docs/deployment.md "Database roles").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_role="$POSTGRES_APP_USER" -v app_password="$POSTGRES_APP_PASSWORD" <<'SQL'
CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password';
SQL
