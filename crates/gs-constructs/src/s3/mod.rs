//! (to be written)

pub(crate) mod passes;
