//! Disaster-recovery objectives as typed input, checked at synthesis.
//!
//! A stack declares RPO and RTO per failure scope ([`FailureScope`]: loss of an AZ, loss of the
//! Region, data corruption or deletion); a construct may override them with a stated reason. The
//! [`profile`] of each stateful resource lists the mechanisms that protect it, computed from the
//! tree (Multi-AZ, AWS Backup rules and their copy actions, replication, global databases,
//! replica secrets), each with the RPO and RTO AWS documents for it ([`mechanisms`]). The pass
//! refuses a stack whose objectives are not met (`dr/rpo-not-met`, `dr/rto-not-met`), warns when
//! a mechanism only promises the target at its limit (`dr/at-limit`), and refuses stateful
//! resources that delete their data on removal (`dr/stateful-destroy`). [`report`] gives the
//! table the example prints and writes as `<Stack>.dr.json`.
//!
//! ```
//! use std::time::Duration;
//! use gs_constructs::prelude::*;
//! use gs_constructs::dr::{self, Objectives};
//! let mut app = App::new();
//! let stack = app.stack("TapStackdev", StackProps::default())?;
//! dr::declare(&mut app, stack, Objectives::all(Duration::from_secs(15 * 60), Duration::from_secs(3600)))?;
//! assert!(dr::objectives_of(&app, stack.node()).is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// Types that keep no data yet are in the DR report: what recovers them is a redeploy.
const DR_ONLY_TYPES: &[&str] = &["AWS::Lambda::Function"];

pub(crate) fn is_dr_only(type_name: &str) -> bool {
    DR_ONLY_TYPES.contains(&type_name)
}

/// The types the objective rules (`dr/rpo-not-met`, `dr/rto-not-met`, `dr/at-limit`) check:
/// the types that hold data objectives are about (`stateful::DR_TYPES`) and [`DR_ONLY_TYPES`].
pub(crate) const DR_TYPES: &[&str] = &{
    const S: &[&str] = crate::stateful::DR_TYPES;
    const N: usize = S.len() + DR_ONLY_TYPES.len();
    let mut out = [""; N];
    let mut i = 0;
    while i < S.len() {
        out[i] = S[i];
        i += 1;
    }
    let mut j = 0;
    while j < DR_ONLY_TYPES.len() {
        out[S.len() + j] = DR_ONLY_TYPES[j];
        j += 1;
    }
    out
};

pub(crate) mod failover;
pub mod mechanisms;
pub(crate) mod objectives;
pub(crate) mod passes;
pub mod profile;
pub mod report;

pub use objectives::{
    declare, format_duration, objectives_of, override_for, FailureScope, Objectives, Target,
};
pub use profile::{Profile, Protection};
pub use report::{DrJson, DrReport, DrRow, Verdict};
