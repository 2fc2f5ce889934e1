//! KQL's scalar and aggregate functions and string operators as Apache DataFusion UDFs/UDAFs over Arrow.
