//! The Azure Resource Graph (ARG) tables: `Resources`, `ResourceContainers`,
//! `SecurityResources` and the others that Log Analytics queries reach through
//! `arg("").Table` and that Resource Graph queries name directly.
//!
//! Every ARG table stores Azure Resource Manager resources, so all of them share one set of
//! columns. The table names are the ones that "Understanding the Azure Resource Graph query
//! language" lists
//! (<https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language>),
//! and the columns are the fields that "Azure Resource Graph tables overview" lists
//! (<https://learn.microsoft.com/azure/service-health/azure-resource-graph-overview>).
//!
//! Learn spells each table two ways: in PascalCase on the query language page
//! (`SecurityResources`), and in lower case on "Azure Resource Graph table and resource type
//! reference" (<https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources>,
//! `securityresources`), and the query language page's own examples start with
//! `resources`. Both spellings name the same table here. Learn documents no other spelling, so `RESOURCES` or
//! `securityResources` are unknown tables.

use super::{Availability, ColumnSchema, TableSchema};
use crate::value::Type;

/// The ARG tables, in the PascalCase spelling of the query language page.
pub const ARG_TABLES: [&str; 40] = [
    "AdvisorResources",
    "AlertsManagementResources",
    "AppServiceResources",
    "AuthorizationResources",
    "AWSResources",
    "AzureBusinessContinuityResources",
    "ChaosResources",
    "CommunityGalleryResources",
    "ComputeResources",
    "DesktopVirtualizationResources",
    "DnsResources",
    "EdgeOrderResources",
    "ElasticsanResources",
    "ExtendedLocationResources",
    "FeatureResources",
    "GuestConfigurationResources",
    "HealthResourceChanges",
    "HealthResources",
    "InsightsResources",
    "IoTSecurityResources",
    "KubernetesConfigurationResources",
    "KustoResources",
    "MaintenanceResources",
    "ManagedServicesResources",
    "MigrateResources",
    "NetworkResources",
    "PatchAssessmentResources",
    "PatchInstallationResources",
    "PolicyResources",
    "RecoveryServicesResources",
    "ResourceChanges",
    "ResourceContainerChanges",
    "ResourceContainers",
    "Resources",
    "SecurityResources",
    "ServiceFabricResources",
    "ServiceHealthResources",
    "SpotResources",
    "SupportResources",
    "TagsResources",
];

/// The columns of every ARG table, in the order of the tables overview page.
///
/// The page describes each field but gives no KQL type. Fields it describes as text (IDs,
/// names, the resource type, region, kind, `managedBy`) are `string`, and fields it
/// describes as JSON objects, key-value pairs or lists (`tags`, `properties`, `sku`,
/// `identity`, `plan`, `zones`, `extendedLocation`) are `dynamic`.
/// NOTE: the change tables (`ResourceChanges`, `ResourceContainerChanges`,
/// `HealthResourceChanges`) hold change resources (`Microsoft.Resources/changes`), which
/// "Get resource changes" describes as resources whose `properties` carry the change, so
/// they get the same columns. Learn does not state the column order of a result either,
/// so `project`-less output may order its columns differently from Azure.
pub const ARG_COLUMNS: [(&str, Type); 16] = [
    ("id", Type::String),
    ("name", Type::String),
    ("type", Type::String),
    ("tenantId", Type::String),
    ("location", Type::String),
    ("subscriptionId", Type::String),
    ("resourceGroup", Type::String),
    ("tags", Type::Dynamic),
    ("properties", Type::Dynamic),
    ("sku", Type::Dynamic),
    ("kind", Type::String),
    ("managedBy", Type::String),
    ("identity", Type::Dynamic),
    ("plan", Type::Dynamic),
    ("zones", Type::Dynamic),
    ("extendedLocation", Type::Dynamic),
];

/// Returns the catalog entries of the ARG tables.
///
/// `arg("")` is a Log Analytics feature, which the Defender portal's advanced hunting
/// accepts only over Microsoft Sentinel data
/// (<https://learn.microsoft.com/azure/azure-monitor/logs/azure-monitor-data-explorer-proxy>),
/// so the columns are Sentinel columns. They get none of the Log Analytics standard
/// columns, because they are not stored in a workspace.
pub fn tables() -> Vec<TableSchema> {
    ARG_TABLES
        .iter()
        .map(|name| TableSchema {
            name: (*name).to_string(),
            columns: ARG_COLUMNS
                .iter()
                .map(|(column, ty)| ColumnSchema {
                    name: (*column).to_string(),
                    ty: *ty,
                    availability: Availability::Sentinel,
                    sentinel_ty: None,
                })
                .collect(),
        })
        .collect()
}

/// Returns the PascalCase name of the ARG table that `name` spells, in either documented
/// spelling (`Resources` or `resources`), or `None` for any other name.
pub fn canonical_name(name: &str) -> Option<&'static str> {
    ARG_TABLES
        .iter()
        .copied()
        .find(|table| *table == name || table.to_ascii_lowercase() == name)
}

/// Returns the names under which a loaded table can hold the ARG table that `name`
/// spells: `name` itself first, then the other documented spelling. Any other name gives
/// just itself.
pub fn spellings(name: &str) -> Vec<String> {
    let mut names = vec![name.to_string()];
    if let Some(canonical) = canonical_name(name) {
        for spelling in [canonical.to_string(), canonical.to_ascii_lowercase()] {
            if !names.contains(&spelling) {
                names.push(spelling);
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    // The two spellings of
    // https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language
    // and https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources.
    #[test]
    fn both_documented_spellings_resolve() {
        assert_eq!(canonical_name("Resources"), Some("Resources"));
        assert_eq!(canonical_name("resources"), Some("Resources"));
        assert_eq!(
            canonical_name("iotsecurityresources"),
            Some("IoTSecurityResources")
        );
        assert_eq!(
            canonical_name("resourcecontainerchanges"),
            Some("ResourceContainerChanges")
        );
        assert_eq!(canonical_name("RESOURCES"), None);
        assert_eq!(canonical_name("securityResources"), None);
        assert_eq!(canonical_name("SigninLogs"), None);
    }

    #[test]
    fn spellings_start_with_written_name() {
        assert_eq!(
            spellings("securityresources"),
            ["securityresources", "SecurityResources"]
        );
        assert_eq!(spellings("Resources"), ["Resources", "resources"]);
        assert_eq!(spellings("My_CL"), ["My_CL"]);
    }

    // Fields of https://learn.microsoft.com/azure/service-health/azure-resource-graph-overview.
    #[test]
    fn tables_share_resource_columns() {
        let tables = tables();
        assert_eq!(tables.len(), ARG_TABLES.len());
        for table in &tables {
            let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names.len(), 16, "{}", table.name);
            assert!(names.contains(&"subscriptionId"), "{}", table.name);
        }
        let resources = tables.iter().find(|table| table.name == "Resources");
        let column_type = |name: &str| {
            resources
                .and_then(|table| table.column(name))
                .map(|column| column.ty)
        };
        assert_eq!(column_type("id"), Some(Type::String));
        assert_eq!(column_type("properties"), Some(Type::Dynamic));
        assert_eq!(column_type("tags"), Some(Type::Dynamic));
        assert_eq!(column_type("zones"), Some(Type::Dynamic));
        assert_eq!(column_type("kind"), Some(Type::String));
        assert_eq!(column_type("TimeGenerated"), None);
        assert_eq!(column_type("TenantId"), None);
    }
}
