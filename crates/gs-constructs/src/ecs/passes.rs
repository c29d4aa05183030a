//! Validation passes of ECS, read from the resources (typed or raw) through the EFS model.

use gs_core::{Diagnostic, Rule, Severity, Tree};

use crate::efs::model::{Model, PlatformVersion};

/// EFS volume on a Fargate platform version before 1.4.0.
/// The rule `ecs/fargate-efs-platform-version`.
pub const FARGATE_EFS_PLATFORM_VERSION: Rule = Rule {
    id: "ecs/fargate-efs-platform-version",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::ECS::Service"],
    what: "A Fargate service runs a task definition with an EFS volume on a platform version before 1.4.0.",
    why: "Fargate mounts EFS only from platform version 1.4.0; earlier versions refuse to start the tasks.",
    fix: "set the service's PlatformVersion to 1.4.0 or LATEST",
};

/// A task definition without containers.
/// The rule `ecs/task-definition-without-container`.
pub const TASK_DEFINITION_WITHOUT_CONTAINER: Rule = Rule {
    id: "ecs/task-definition-without-container",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::ECS::TaskDefinition"],
    what: "A task definition has no container.",
    why: "ECS refuses to register a task definition without container definitions.",
    fix: "add a container: `task.add_container(..)`",
};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[
    FARGATE_EFS_PLATFORM_VERSION,
    TASK_DEFINITION_WITHOUT_CONTAINER,
];

/// Appends this service's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        if r.type_name == "AWS::ECS::TaskDefinition" {
            let empty = r
                .properties
                .get("ContainerDefinitions")
                .map_or(true, |v| v.as_list().is_some_and(<[_]>::is_empty));
            if empty {
                out.push(TASK_DEFINITION_WITHOUT_CONTAINER.at(
                    e,
                    tree.path(e),
                    "the task definition has no container",
                ));
            }
        }
    }
    let model = Model::of(tree);
    for s in &model.services {
        let Some((task, info)) = s
            .task_definition
            .and_then(|t| model.task_definition(t).map(|i| (t, i)))
        else {
            continue;
        };
        let Some(volume) = info.volumes.first() else {
            continue;
        };
        let fargate = s.fargate_launch.unwrap_or(info.fargate);
        let PlatformVersion::Literal(version) = &s.platform_version else {
            continue;
        };
        if fargate && !supports_efs(version) {
            out.push(FARGATE_EFS_PLATFORM_VERSION.at(
                s.node,
                tree.path(s.node),
                format!(
                    "runs {} with the EFS volume `{}` on platform version {version}",
                    tree.path(task),
                    volume.name
                ),
            ));
        }
    }
}

/// `LATEST`, or a version `x.y.z` at least 1.4.0; unreadable versions pass.
fn supports_efs(version: &str) -> bool {
    if version.eq_ignore_ascii_case("LATEST") {
        return true;
    }
    let parts: Option<Vec<u32>> = version.split('.').map(|p| p.parse().ok()).collect();
    match parts {
        Some(p) => p >= vec![1, 4, 0],
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::supports_efs;

    #[test]
    fn platform_versions_from_1_4_0_and_latest_support_efs() {
        assert!(supports_efs("LATEST"));
        assert!(supports_efs("1.4.0"));
        assert!(supports_efs("1.10.0"));
        assert!(!supports_efs("1.3.0"));
        assert!(!supports_efs("1.0.0"));
    }
}
