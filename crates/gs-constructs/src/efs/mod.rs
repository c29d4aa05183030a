//! Amazon EFS: [`FileSystem`] (encrypted, with its own security group and a mount target in every
//! AZ of its subnets), [`AccessPoint`] (which carries its file system, so a volume cannot pair an
//! access point with another file system), and the [`Mount`] fact that consumers (ECS services)
//! record when they mount one. The passes in `passes` check reachability (NFS ingress, mount
//! targets per AZ, ordering, DNS) and volume settings, also for shapes built through the escape
//! hatch.
//!
//! The resources are written through the generated L1 (`l1::efs`), and the handle types
//! ([`CfnFileSystem`], [`CfnMountTarget`], [`CfnAccessPoint`]) are the L1's: a
//! `FileSystem::resource` goes to any L1 property that takes a file system
//! (`l1::efs::CfnMountTargetProps::new(fs.resource, ..)`).

mod access_point;
mod file_system;
pub(crate) mod model;
mod mount;
pub(crate) mod passes;

pub use access_point::{AccessPoint, AccessPointProps, CfnAccessPoint, CreationInfo, PosixUser};
pub use file_system::{
    CfnFileSystem, CfnMountTarget, FileSystem, FileSystemProps, LifecycleTransition, MountTarget,
    PerformanceMode, Replication, ThroughputMode, NFS_PORT,
};
pub use mount::Mount;
