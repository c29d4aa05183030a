//! Rust names for CloudFormation names: `snake_case` fields and modules, escaped keywords.

/// Rust's strict and reserved keywords (2021 edition, plus `gen` reserved from 2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// `name` usable as a Rust identifier: keywords are raw (`r#type`); the four keywords that
/// cannot be raw get a trailing `_` (`self_`).
pub fn ident(name: &str) -> String {
    if matches!(name, "self" | "Self" | "super" | "crate") {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// The words of a CloudFormation name: a new word starts at an upper-case letter after a
/// lower-case letter or digit, and at the last capital of an acronym followed by a lower-case
/// letter (`VPCId` -> `VPC`, `Id`). A plural or versioned acronym stays whole (`IDs`, `ARNs`,
/// `IPv6`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let after = chars.get(i + 2).copied();
        let boundary = match prev {
            None => false,
            Some(p) if c.is_ascii_uppercase() => {
                if p.is_ascii_lowercase() || p.is_ascii_digit() {
                    true
                } else {
                    // `VPCId`: the `I` starts a word. `IDs`, `ARNs`: the `s` is a plural, not a
                    // word. `IPv6`: the `v` and digit belong to the acronym.
                    let plural =
                        next == Some('s') && !after.is_some_and(|a| a.is_ascii_lowercase());
                    let versioned = next == Some('v') && after.is_some_and(|a| a.is_ascii_digit());
                    next.is_some_and(|n| n.is_ascii_lowercase()) && !plural && !versioned
                }
            }
            Some(_) => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case` of a CloudFormation name (not escaped): `VpcConfig` -> `vpc_config`,
/// `DBClusterIdentifier` -> `db_cluster_identifier`.
pub fn snake(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// A type name in Rust case: the spec's own name, with a capital first letter.
pub fn type_name(name: &str) -> String {
    let mut out: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if let Some(first) = out.get(0..1) {
        let upper = first.to_ascii_uppercase();
        out.replace_range(0..1, &upper);
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// The module (and cargo feature) of a service: `ApiGatewayV2` -> `apigatewayv2`.
pub fn service_module(service: &str) -> String {
    service.to_ascii_lowercase()
}

/// Gives each name a unique spelling: a repeated one gets `_2`, `_3`, ... in order.
pub fn dedupe(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .map(|n| {
            let mut candidate = n.clone();
            let mut i = 2;
            while !seen.insert(candidate.clone()) {
                candidate = format!("{n}_{i}");
                i += 1;
            }
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_words_and_acronyms() {
        assert_eq!(snake("VpcConfig"), "vpc_config");
        assert_eq!(snake("DBClusterIdentifier"), "db_cluster_identifier");
        assert_eq!(snake("VPCId"), "vpc_id");
        assert_eq!(snake("SecurityGroupIDs"), "security_group_ids");
        assert_eq!(snake("ARNs"), "arns");
        assert_eq!(snake("IPv6Address"), "ipv6_address");
        assert_eq!(
            snake("Ipv6AllowedForDualStack"),
            "ipv6_allowed_for_dual_stack"
        );
        assert_eq!(snake("S3Bucket"), "s3_bucket");
        assert_eq!(snake("Route53Resolver"), "route53_resolver");
        assert_eq!(snake("Endpoint.Address"), "endpoint_address");
        assert_eq!(snake("Type"), "type");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("match"), "r#match");
        assert_eq!(ident("self"), "self_");
        assert_eq!(ident("name"), "name");
    }

    #[test]
    fn repeated_names_get_a_suffix() {
        let names = vec!["vpc_id".to_string(), "vpc_id".to_string(), "a".to_string()];
        assert_eq!(dedupe(names), ["vpc_id", "vpc_id_2", "a"]);
    }

    #[test]
    fn type_names_start_with_a_capital() {
        assert_eq!(type_name("VpcConfig"), "VpcConfig");
        assert_eq!(type_name("s3Config"), "S3Config");
    }
}
