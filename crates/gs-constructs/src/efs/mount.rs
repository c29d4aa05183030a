//! [`Mount`]: the fact "consumer C mounts file system F through access point A", recorded by the
//! constructs that wire a mount (an ECS service running a task that mounts an access point).

use gs_core::NodeId;

use super::access_point::AccessPoint;
use super::file_system::FileSystem;
use crate::ec2::SecurityGroup;

/// Fact: `consumer` mounts `file_system` through `access_point`, as the volume `volume` of the
/// task definition `task_definition`.
///
/// It records what was meant when the wiring was derived (ingress, ordering, IAM, volume
/// settings). The EFS passes check the emitted resources themselves, so a change made later
/// through the escape hatch is still caught; other passes (disaster recovery, reports) read the
/// relation from here. Read with `app.facts::<efs::Mount>()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The resource that mounts (an `AWS::ECS::Service`).
    pub consumer: NodeId,
    /// The consumer's security group (admitted on TCP 2049 by the file system's group).
    pub security_group: SecurityGroup,
    /// The AZs (indexes into the Region's AZs) the consumer runs in.
    pub azs: Vec<u32>,
    /// The task definition resource that declares the volume.
    pub task_definition: NodeId,
    /// The volume's name in the task definition.
    pub volume: String,
    /// The file system.
    pub file_system: FileSystem,
    /// The access point (it belongs to `file_system`).
    pub access_point: AccessPoint,
}
