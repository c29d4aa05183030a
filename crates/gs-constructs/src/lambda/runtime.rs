//! [`Runtime`]: the language runtimes a zip function can run on.

use std::fmt;

/// A Lambda runtime (CDK's `lambda.Runtime`): the identifiers Lambda accepts for a zip
/// package, or [`Runtime::FromImage`] for a container image, whose image brings its own.
///
/// ```
/// use gs_constructs::lambda::Runtime;
/// assert_eq!(Runtime::Python3_12.name(), Some("python3.12"));
/// assert_eq!(Runtime::FromImage.name(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Runtime {
    /// `nodejs20.x`.
    Nodejs20,
    /// `nodejs22.x`.
    Nodejs22,
    /// `python3.11`.
    Python3_11,
    /// `python3.12`.
    Python3_12,
    /// `python3.13`.
    Python3_13,
    /// `java17`.
    Java17,
    /// `java21`.
    Java21,
    /// `dotnet8`.
    Dotnet8,
    /// `ruby3.3`.
    Ruby3_3,
    /// `provided.al2023`: a custom runtime (a `bootstrap` executable in the package; Rust, Go).
    ProvidedAl2023,
    /// `provided.al2`.
    ProvidedAl2,
    /// A container image: the image sets the runtime and the handler.
    FromImage,
}

impl Runtime {
    /// The identifier Lambda knows it by; `None` for an image.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Runtime::Nodejs20 => "nodejs20.x",
            Runtime::Nodejs22 => "nodejs22.x",
            Runtime::Python3_11 => "python3.11",
            Runtime::Python3_12 => "python3.12",
            Runtime::Python3_13 => "python3.13",
            Runtime::Java17 => "java17",
            Runtime::Java21 => "java21",
            Runtime::Dotnet8 => "dotnet8",
            Runtime::Ruby3_3 => "ruby3.3",
            Runtime::ProvidedAl2023 => "provided.al2023",
            Runtime::ProvidedAl2 => "provided.al2",
            Runtime::FromImage => return None,
        })
    }

    /// Whether inline code (`ZipFile`) runs on it: Node.js and Python only.
    pub fn supports_inline(self) -> bool {
        matches!(
            self,
            Runtime::Nodejs20
                | Runtime::Nodejs22
                | Runtime::Python3_11
                | Runtime::Python3_12
                | Runtime::Python3_13
        )
    }
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name().unwrap_or("FROM_IMAGE"))
    }
}
