-- DuckDB twin of sql/ddl/005_kpi_views.sql. DuckDB keeps only the newest version of each kpi_minute key (the
-- upsert replaces older ones), so the ClickHouse materialized view is a plain view here: the same name answers
-- the same ad-hoc SQL in both warehouses, with plain counter columns.
CREATE VIEW IF NOT EXISTS kpi_minute_latest AS SELECT * EXCLUDE (version) FROM kpi_minute;
