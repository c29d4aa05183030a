//! The vendored `@aws-cdk/aws-service-spec` database, read into plain structs.
//!
//! Only what the generators use is read; everything else in `db.json.gz` is ignored.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;

/// The version of `@aws-cdk/aws-service-spec` vendored in `spec/aws-service-spec/`.
pub const SERVICE_SPEC_VERSION: &str = "0.1.216";

/// `relationshipRefs` of the vendored spec that would make gs render a wrong value, so they are
/// dropped and the field takes a plain string (or token): (resource type or nested type name,
/// property, why).
const WRONG_RELATIONSHIPS: &[(&str, &str, &str)] = &[
    (
        "AWS::ApiGatewayV2::Route",
        "Target",
        "API Gateway wants `integrations/<IntegrationId>`, not the bare id a Ref gives",
    ),
    (
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "ResourceId",
        "the id's format depends on the service (`service/<cluster>/<service>` for ECS); the spec names only MSK clusters",
    ),
    (
        "Origin",
        "Id",
        "a CloudFront origin id is a name chosen in the distribution, not a load balancer ARN",
    ),
    (
        "DefaultCacheBehavior",
        "TargetOriginId",
        "names an origin of the same distribution, not a load balancer ARN",
    ),
];

fn is_wrong_relationship(owner: &str, property: &str) -> bool {
    WRONG_RELATIONSHIPS
        .iter()
        .any(|(o, p, _)| *o == owner && *p == property)
}

/// The resource types and the nested property types they use.
pub struct Spec {
    /// Every resource type, sorted by CloudFormation type name.
    pub resources: Vec<ResourceType>,
    /// Nested property types by their `$id`.
    pub type_defs: HashMap<String, TypeDef>,
}

/// One resource type, e.g. `AWS::Lambda::Function`.
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ResourceType {
    /// `AWS::Lambda::Function`.
    pub cloud_formation_type: String,
    /// `Function`.
    pub name: String,
    /// Markdown documentation; the first paragraph is the summary.
    #[serde(default)]
    pub documentation: String,
    /// The properties that identify the resource (what `Ref` returns for most types).
    #[serde(default)]
    pub primary_identifier: Vec<String>,
    /// What `Ref` returns when it is not the primary identifier (e.g. `AuthorizerId` of
    /// `AWS::ApiGateway::Authorizer`, whose primary identifier has two parts).
    #[serde(default)]
    pub cfn_ref_identifier: Vec<String>,
    /// What `Fn::GetAtt` can read. Names may contain dots (`Endpoint.Address`).
    #[serde(default)]
    pub attributes: IndexMap<String, Attribute>,
    /// The properties a template may set.
    #[serde(default)]
    pub properties: IndexMap<String, Property>,
    /// How the type takes tags, if it does.
    pub tag_information: Option<TagInformation>,
}

impl ResourceType {
    /// `Lambda` for `AWS::Lambda::Function`.
    pub fn service(&self) -> &str {
        self.cloud_formation_type.split("::").nth(1).unwrap_or("")
    }

    /// The property `Ref` returns: `cfnRefIdentifier` when the spec has one, else the primary
    /// identifier; `None` when that has several parts (then `Ref` returns a composite string).
    pub fn ref_identifier(&self) -> Option<&str> {
        let ids = if self.cfn_ref_identifier.is_empty() {
            &self.primary_identifier
        } else {
            &self.cfn_ref_identifier
        };
        match ids.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// A nested property type (CDK's `CfnFunction.VpcConfigProperty`).
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct TypeDef {
    /// `VpcConfig`.
    pub name: String,
    /// Markdown documentation.
    #[serde(default)]
    pub documentation: String,
    /// Its properties.
    #[serde(default)]
    pub properties: IndexMap<String, Property>,
}

/// One property of a resource type or nested type.
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Property {
    /// Its type.
    #[serde(rename = "type")]
    pub kind: PropType,
    /// Markdown documentation.
    #[serde(default)]
    pub documentation: String,
    /// Whether a template must set it.
    #[serde(default)]
    pub required: bool,
    /// `yes` when changing it replaces the resource, `maybe` when it may; absent otherwise.
    pub causes_replacement: Option<String>,
    /// Which other resource types' identifiers the property takes.
    #[serde(default)]
    pub relationship_refs: Vec<RelationshipRef>,
    /// Set when CloudFormation deprecates the property.
    pub deprecated: Option<String>,
}

/// A resource attribute (`Fn::GetAtt`).
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    /// Markdown documentation.
    #[serde(default)]
    pub documentation: String,
}

/// "This property takes the `propertyName` of a `cloudFormationType` resource."
#[derive(Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipRef {
    /// `AWS::EFS::FileSystem`.
    pub cloud_formation_type: String,
    /// `FileSystemId`: an attribute or the primary identifier of that type.
    pub property_name: String,
}

/// How a resource type takes tags.
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct TagInformation {
    /// The property that holds the tags, usually `Tags`.
    pub tag_property_name: String,
    /// `standard` (a list of `{Key, Value}`), `map` (a string map) or `asg` (with
    /// `PropagateAtLaunch`).
    pub variant: String,
}

/// The type of a property or attribute.
#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum PropType {
    /// A string, maybe limited to `allowed_values`.
    String {
        /// The enum values, when the spec lists them.
        #[serde(default, rename = "allowedValues")]
        allowed_values: Vec<String>,
    },
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// Any JSON (a policy document, a schema, ...).
    Json,
    /// An ISO 8601 timestamp, as a string.
    DateTime,
    /// One `{Key, Value}` tag.
    Tag,
    /// A list.
    Array {
        /// The element type.
        element: Box<PropType>,
    },
    /// A map from strings.
    Map {
        /// The value type.
        element: Box<PropType>,
    },
    /// A nested type.
    Ref {
        /// The nested type's `$id`.
        reference: Reference,
    },
    /// One of several types.
    Union {
        /// The alternatives.
        types: Vec<PropType>,
    },
    /// JSON `null` (only inside unions).
    Null,
}

/// A pointer to a nested type.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub struct Reference {
    /// The `$id` of a [`TypeDef`].
    #[serde(rename = "$ref")]
    pub id: String,
}

#[derive(Deserialize)]
struct Db {
    schema: Schema,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Schema {
    resource: Entities<ResourceType>,
    type_definition: Entities<IdTypeDef>,
}

#[derive(Deserialize)]
struct Entities<T> {
    entities: Vec<T>,
}

#[derive(Deserialize)]
struct IdTypeDef {
    #[serde(rename = "$id")]
    id: String,
    #[serde(flatten)]
    def: TypeDef,
}

impl Spec {
    /// The resource type named `cloud_formation_type`, e.g. `AWS::EFS::FileSystem`.
    pub fn resource(&self, cloud_formation_type: &str) -> Option<&ResourceType> {
        self.resources
            .binary_search_by(|r| r.cloud_formation_type.as_str().cmp(cloud_formation_type))
            .ok()
            .map(|i| &self.resources[i])
    }

    /// Reads `db.json.gz`. Resource types outside the `AWS::` namespace (`Alexa::ASK::Skill`) are
    /// left out: gs generates AWS types only.
    pub fn load(path: &Path) -> Result<Spec, String> {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut json)
            .map_err(|e| format!("{}: not gzip: {e}", path.display()))?;
        let db: Db = serde_json::from_slice(&json)
            .map_err(|e| format!("{}: unexpected shape: {e}", path.display()))?;
        let mut resources: Vec<ResourceType> = db
            .schema
            .resource
            .entities
            .into_iter()
            .filter(|r| r.cloud_formation_type.starts_with("AWS::"))
            .collect();
        resources.sort_by(|a, b| a.cloud_formation_type.cmp(&b.cloud_formation_type));
        for r in &mut resources {
            for (name, p) in &mut r.properties {
                if is_wrong_relationship(&r.cloud_formation_type, name) {
                    p.relationship_refs.clear();
                }
            }
        }
        let type_defs = db
            .schema
            .type_definition
            .entities
            .into_iter()
            .map(|mut t| {
                for (name, p) in &mut t.def.properties {
                    if is_wrong_relationship(&t.def.name, name) {
                        p.relationship_refs.clear();
                    }
                }
                (t.id, t.def)
            })
            .collect();
        Ok(Spec {
            resources,
            type_defs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationships_that_would_render_wrong_values_are_dropped() {
        let root =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/aws-service-spec/db.json.gz");
        let spec = Spec::load(&root).unwrap();
        let route = spec.resource("AWS::ApiGatewayV2::Route").unwrap();
        assert!(route.properties["Target"].relationship_refs.is_empty());
        let origin = spec
            .type_defs
            .values()
            .find(|t| t.name == "Origin" && t.properties.contains_key("DomainName"))
            .unwrap();
        assert!(origin.properties["Id"].relationship_refs.is_empty());
        // Other relationships are kept.
        let mount = spec.resource("AWS::EFS::MountTarget").unwrap();
        assert_eq!(
            mount.properties["FileSystemId"].relationship_refs[0].cloud_formation_type,
            "AWS::EFS::FileSystem"
        );
    }
}
