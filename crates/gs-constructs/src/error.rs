//! The error of building constructs: a tree error, or props that cannot work, with the path of
//! the construct and a fix.

use gs_core::TreeError;

/// An error while building a construct.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ConstructError {
    /// The tree refused the construct (bad or duplicate id, foreign handle, ...).
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// A prop has a value the service would refuse.
    #[error("{path}: {message}; fix: {fix}")]
    InvalidProps {
        /// Path of the construct.
        path: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        fix: String,
    },
}

impl ConstructError {
    /// An invalid-props error for the construct at `path`.
    pub fn invalid(
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> ConstructError {
        ConstructError::InvalidProps {
            path: path.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

/// The result of building a construct.
pub type Result<T, E = ConstructError> = std::result::Result<T, E>;
