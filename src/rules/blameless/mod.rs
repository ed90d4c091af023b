//! Blameless language checks (being written).
