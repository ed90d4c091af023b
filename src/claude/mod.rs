//! Claude Messages API client (being written).
