//! [`AccessPoint`]: an application's entry into a file system, with a fixed POSIX identity and
//! root directory. The handle carries its [`FileSystem`], so a consumer given the access point
//! cannot pair it with another file system.

use gs_core::{NodeId, Scope, Value};
use gs_l1::efs::access_point::{self as l1, RootDirectory};
pub use gs_l1::efs::CfnAccessPoint;
use gs_l1::efs::CfnAccessPointProps;

use super::file_system::FileSystem;
use crate::error::{ConstructError, Result};

/// The POSIX identity every request through the access point uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PosixUser {
    /// User id (0 is root: consumers then get `elasticfilesystem:ClientRootAccess`).
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

/// Owner and permissions of the root directory, applied when EFS creates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreationInfo {
    /// Owner user id.
    pub owner_uid: u32,
    /// Owner group id.
    pub owner_gid: u32,
    /// Octal permissions, e.g. `755`.
    pub permissions: String,
}

/// Settings of an [`AccessPoint`].
#[derive(Clone, Debug)]
pub struct AccessPointProps {
    /// The directory clients see as `/`: `/` or up to four components such as `/media`.
    pub path: String,
    /// The identity of every request; `None` lets clients use their own (not recommended).
    pub posix_user: Option<PosixUser>,
    /// Secondary group ids of the POSIX user (at most 16).
    pub secondary_gids: Vec<u32>,
    /// How EFS creates `path` when it does not exist; `None` requires it to exist.
    pub creation_info: Option<CreationInfo>,
}

impl Default for AccessPointProps {
    fn default() -> Self {
        AccessPointProps {
            path: "/".into(),
            posix_user: Some(PosixUser {
                uid: 1000,
                gid: 1000,
            }),
            secondary_gids: Vec::new(),
            creation_info: Some(CreationInfo {
                owner_uid: 1000,
                owner_gid: 1000,
                permissions: "755".into(),
            }),
        }
    }
}

/// An EFS access point.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let fs = efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
/// let ap = efs::AccessPoint::new(&mut s, "ContentAccessPoint", fs, efs::AccessPointProps {
///     path: "/media".into(), ..Default::default() })?;
/// assert_eq!(ap.file_system, fs);
/// assert!(efs::AccessPoint::new(&mut s, "Bad", fs, efs::AccessPointProps {
///     path: "media/".into(), ..Default::default() }).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessPoint {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::EFS::AccessPoint` resource (its L1 handle).
    pub resource: CfnAccessPoint,
    /// The file system it opens.
    pub file_system: FileSystem,
    /// The POSIX identity it enforces, if any.
    pub posix_user: Option<PosixUser>,
}

impl AccessPoint {
    /// An access point into `file_system`.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        file_system: FileSystem,
        props: AccessPointProps,
    ) -> Result<AccessPoint> {
        scope.atomically(|scope| Self::build(scope, id, file_system, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        file_system: FileSystem,
        props: AccessPointProps,
    ) -> Result<AccessPoint> {
        let path = scope.child_path(id);
        check_path(&path, &props.path)?;
        if props.secondary_gids.len() > 16 {
            return Err(ConstructError::invalid(
                &path,
                format!("{} secondary gids given", props.secondary_gids.len()),
                "give at most 16 secondary gids",
            ));
        }
        if props.posix_user.is_none() && !props.secondary_gids.is_empty() {
            return Err(ConstructError::invalid(
                &path,
                "secondary gids are given without a POSIX user",
                "set posix_user, or drop secondary_gids",
            ));
        }
        if let Some(c) = &props.creation_info {
            let p = &c.permissions;
            if !(3..=4).contains(&p.len()) || !p.chars().all(|ch| ('0'..='7').contains(&ch)) {
                return Err(ConstructError::invalid(
                    &path,
                    format!("`{p}` is not octal permissions"),
                    "give 3 or 4 octal digits, e.g. `755`",
                ));
            }
        }
        let posix_user = props.posix_user.map(|u| l1::PosixUser {
            secondary_gids: (!props.secondary_gids.is_empty())
                .then(|| props.secondary_gids.iter().map(u32::to_string).collect()),
            ..l1::PosixUser::new(u.gid.to_string(), u.uid.to_string())
        });
        let root_directory = RootDirectory {
            creation_info: props.creation_info.map(|c| {
                l1::CreationInfo::new(
                    c.owner_gid.to_string(),
                    c.owner_uid.to_string(),
                    c.permissions,
                )
            }),
            path: Some(props.path.into()),
        };

        let mut g = scope.group(id)?;
        let resource = CfnAccessPoint::new(
            &mut g,
            "Resource",
            CfnAccessPointProps {
                posix_user,
                root_directory: Some(root_directory),
                ..CfnAccessPointProps::new(file_system.resource)
            },
        )?;
        Ok(AccessPoint {
            node: g.node(),
            resource,
            file_system,
            posix_user: props.posix_user,
        })
    }

    /// The access point id (`Ref`).
    pub fn access_point_id(&self) -> Value {
        self.resource.reference()
    }

    /// The access point's ARN (`Fn::GetAtt Arn`), for IAM conditions.
    pub fn arn(&self) -> Value {
        self.resource.attr_arn()
    }

    /// Whether clients act as root through it (uid 0), and so need `ClientRootAccess`.
    pub fn is_root(&self) -> bool {
        self.posix_user.is_some_and(|u| u.uid == 0)
    }
}

/// The rule EFS applies: `/`, or 1 to 4 components, none starting with `.`, none holding
/// `$#<>;`|&?{}^*` or a newline, at most 100 characters, no trailing `/`.
fn check_path(path: &str, dir: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(ConstructError::invalid(
            path,
            format!("the root directory `{dir}` {why}"),
            "give `/` or an absolute path of 1 to 4 components such as `/media/content`",
        ))
    };
    if dir == "/" {
        return Ok(());
    }
    if dir.len() > 100 {
        return bad("is longer than 100 characters");
    }
    let Some(rest) = dir.strip_prefix('/') else {
        return bad("does not start with `/`");
    };
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() > 4 {
        return bad("has more than 4 components");
    }
    for p in parts {
        if p.is_empty() {
            return bad("has an empty component or a trailing `/`");
        }
        if p.starts_with('.') {
            return bad("has a component starting with `.`");
        }
        if p.chars().any(|c| "$#<>;`|&?{}^*\n".contains(c)) {
            return bad("holds one of $#<>;`|&?{}^* or a newline");
        }
    }
    Ok(())
}
