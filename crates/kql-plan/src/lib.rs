//! Binds KQL syntax against a catalog, checks types and lowers to Apache DataFusion logical plans.
