//! Investigation (filled in below).
