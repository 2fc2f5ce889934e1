//! Runs KQL queries on Apache DataFusion: sessions, tables, output formats, explain.
