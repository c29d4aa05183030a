//! The resource specification as data, for the checks at synthesis and the replacement API.
