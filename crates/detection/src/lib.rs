//! T1609 rule pack, rule format, alerts, suppression and validation for kqlhunt.
