-- The app's database role. Run by the postgres image once, on its first start (empty data
-- directory), as POSTGRES_USER — the owner role, which owns the database and runs
-- `manage.py migrate`. For a database made before this file existed, run it by hand:
--   docker compose exec postgres psql -U iop -d iop -f /docker-entrypoint-initdb.d/10-app-role.sql
-- `migrate` (DATABASE_OWNER_URL) then grants the app role its privileges on the tables:
-- SELECT/INSERT/UPDATE/DELETE, but only SELECT and INSERT on the audit trail.
\set ON_ERROR_STOP on
\getenv app_password POSTGRES_APP_PASSWORD
CREATE ROLE iop_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'app_password';
-- Nobody but the owner creates objects in the schema (PostgreSQL 15+ does so already).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE :"DBNAME" TO iop_app;
GRANT USAGE ON SCHEMA public TO iop_app;
