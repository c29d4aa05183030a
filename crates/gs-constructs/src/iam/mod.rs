//! IAM: [`Role`] with a default policy that grants accumulate into, and [`PolicyStatement`].

mod role;
mod statement;

pub use role::{Role, RoleProps};
pub use statement::{Effect, PolicyStatement};
