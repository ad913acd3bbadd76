//! The table catalog: column names and types of the Defender XDR and Microsoft Sentinel
//! tables, built in, plus tables that users describe in a schema file.
//!
//! The built-in catalog is the text file `tables.txt`, embedded at compile time and parsed
//! on first use. User schema files use the same format (see [`parse_schema_file`]). The
//! Azure Resource Graph tables, which all share one set of columns, come from [`arg`].
//!
//! Each column has two types because some columns differ between the products: Defender
//! XDR advanced hunting stores `AdditionalFields` as JSON text (`string`), while the copy
//! of the same table in Sentinel stores it as `dynamic`. [`ColumnSchema::ty`] is the XDR
//! type, which is what binding a query without data uses.
//!
//! Every built-in table that Sentinel has also gets the Log Analytics standard columns
//! (`TenantId`, `Type`, `_TimeReceived`, `_ResourceId`, `_SubscriptionId`, `_IsBillable`,
//! `_BilledSize`) when loaded, so `tables.txt` lists only a table's own columns. The
//! Sentinel data lake tables are the exception: they are not Log Analytics tables. User
//! schema files get no such columns added: they list every column themselves.

pub mod arg;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use crate::error::Error;
use crate::table::{Field, Schema};
use crate::value::Type;

/// The text of the built-in catalog.
const BUILTIN_TABLES: &str = include_str!("tables.txt");

/// The products that have a column: Defender XDR advanced hunting, Microsoft Sentinel
/// (Log Analytics), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Availability {
    /// Only in Defender XDR advanced hunting, such as `Timestamp`.
    Xdr,
    /// Only in Sentinel, such as `TimeGenerated` and `TenantId`.
    Sentinel,
    /// In both products.
    XdrAndSentinel,
}

impl Availability {
    /// Parses the schema-file spelling: `xdr`, `sentinel` or `xdr+sentinel`.
    pub fn from_name(name: &str) -> Option<Availability> {
        match name {
            "xdr" => Some(Availability::Xdr),
            "sentinel" => Some(Availability::Sentinel),
            "xdr+sentinel" => Some(Availability::XdrAndSentinel),
            _ => None,
        }
    }

    /// Returns the schema-file spelling.
    pub fn name(self) -> &'static str {
        match self {
            Availability::Xdr => "xdr",
            Availability::Sentinel => "sentinel",
            Availability::XdrAndSentinel => "xdr+sentinel",
        }
    }

    /// True if Defender XDR advanced hunting has the column.
    pub fn in_xdr(self) -> bool {
        matches!(self, Availability::Xdr | Availability::XdrAndSentinel)
    }

    /// True if Sentinel has the column.
    pub fn in_sentinel(self) -> bool {
        matches!(self, Availability::Sentinel | Availability::XdrAndSentinel)
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The product whose schema binds a query without data: `kql check --product`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Product {
    /// Defender XDR advanced hunting: its columns only, with their XDR types.
    Xdr,
    /// Microsoft Sentinel (Log Analytics): its columns only, with their Sentinel types.
    Sentinel,
}

impl Product {
    /// Returns the value of `--product` that selects this product.
    pub fn option_value(self) -> &'static str {
        match self {
            Product::Xdr => "xdr",
            Product::Sentinel => "sentinel",
        }
    }

    /// Returns the product's name as Microsoft writes it.
    pub fn display_name(self) -> &'static str {
        match self {
            Product::Xdr => "Defender XDR",
            Product::Sentinel => "Microsoft Sentinel",
        }
    }
}

/// The selection and typing of a catalog table's columns in a binding schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SchemaView {
    /// Every column of both products, typed with the XDR type, so a table in both products
    /// has both `Timestamp` and `TimeGenerated`.
    #[default]
    Union,
    /// Every column of both products, typed with the Sentinel type where it differs.
    UnionSentinelTypes,
    /// One product's columns with that product's types.
    Product(Product),
}

impl ColumnSchema {
    /// Returns the column's type in Sentinel: `sentinel_ty` where set, `ty` otherwise.
    pub fn sentinel_type(&self) -> Type {
        self.sentinel_ty.unwrap_or(self.ty)
    }
}

/// The columns of one table, in catalog order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSchema {
    pub name: String,
    pub columns: Vec<ColumnSchema>,
}

/// One column of a catalog table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSchema {
    pub name: String,
    /// The type in Defender XDR, or the only type for Sentinel-only tables.
    pub ty: Type,
    pub availability: Availability,
    /// The type in Sentinel, where it differs from `ty`.
    pub sentinel_ty: Option<Type>,
}

impl TableSchema {
    /// Returns the schema with every column in catalog order, typed with the XDR type.
    /// Tables in both products therefore have both `Timestamp` and `TimeGenerated`.
    pub fn to_schema(&self) -> Schema {
        self.to_view_schema(SchemaView::Union)
    }

    /// Returns the schema of the columns that `view` selects, in catalog order and with
    /// the types that `view` picks. A table may have no columns in one product's view.
    pub fn to_view_schema(&self, view: SchemaView) -> Schema {
        let fields = self
            .columns
            .iter()
            .filter_map(|column| {
                let ty = match view {
                    SchemaView::Union => column.ty,
                    SchemaView::UnionSentinelTypes => column.sentinel_type(),
                    SchemaView::Product(Product::Xdr) if column.availability.in_xdr() => column.ty,
                    SchemaView::Product(Product::Sentinel) if column.availability.in_sentinel() => {
                        column.sentinel_type()
                    }
                    SchemaView::Product(_) => return None,
                };
                Some(Field::new(column.name.clone(), ty))
            })
            .collect();
        Schema::new(fields)
    }

    /// True if `product` has at least one of the table's columns.
    pub fn in_product(&self, product: Product) -> bool {
        self.columns.iter().any(|column| match product {
            Product::Xdr => column.availability.in_xdr(),
            Product::Sentinel => column.availability.in_sentinel(),
        })
    }

    /// Returns the column with this exact (case-sensitive) name.
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|column| column.name == name)
    }
}

struct Catalog {
    tables: Vec<TableSchema>,
    by_name: HashMap<String, usize>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // The embedded file is part of the program, not input, and a unit test parses
        // it, so a failure here is a build defect.
        let mut tables = parse_schema_file(BUILTIN_TABLES, "built-in tables.txt")
            .unwrap_or_else(|error| panic!("the built-in table catalog is invalid: {error}"));
        tables.iter_mut().for_each(add_standard_columns);
        tables.extend(arg::tables());
        add_second_spellings(&mut tables);
        let by_name = tables
            .iter()
            .enumerate()
            .map(|(index, table)| (table.name.clone(), index))
            .collect();
        Catalog { tables, by_name }
    })
}

/// Tables that Microsoft's references spell in two ways: the second spelling, then the
/// catalog's. Kusto names are case-sensitive, so only one can be the table's real name;
/// the catalog accepts both until the references agree.
///
/// GraphApiAuditEvents is the spelling of the table's own page,
/// https://learn.microsoft.com/defender-xdr/advanced-hunting-graphapiauditevents-table
/// (February 2026); the schema index,
/// https://learn.microsoft.com/defender-xdr/advanced-hunting-schema-tables (July 2026),
/// and published hunting queries spell it GraphAPIAuditEvents.
const SECOND_SPELLINGS: [(&str, &str); 1] = [("GraphAPIAuditEvents", "GraphApiAuditEvents")];

/// Returns the other spelling of a table that [`SECOND_SPELLINGS`] lists, so that a file
/// loaded under one spelling is found under the other.
pub fn second_spelling(name: &str) -> Option<&'static str> {
    SECOND_SPELLINGS.iter().find_map(|&(second, first)| {
        if name == second {
            Some(first)
        } else if name == first {
            Some(second)
        } else {
            None
        }
    })
}

/// Adds a copy of each table in [`SECOND_SPELLINGS`] under its second name, keeping the
/// catalog in alphabetical order.
fn add_second_spellings(tables: &mut Vec<TableSchema>) {
    for (second, name) in SECOND_SPELLINGS {
        if let Some(table) = tables.iter().find(|table| table.name == name) {
            let copy = TableSchema {
                name: second.to_string(),
                columns: table.columns.clone(),
            };
            tables.push(copy);
        }
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name));
}

/// The standard columns of Azure Monitor Logs, described for all tables by the "Standard
/// columns in Azure Monitor Logs" page, with the types that the table reference pages
/// give. That page gives no type for `_TimeReceived`, only that it is the date and time
/// the record was received, so it is `datetime` here. `_ItemId` is left out because no
/// page gives its type.
pub(crate) const STANDARD_COLUMNS: [(&str, Type); 7] = [
    ("TenantId", Type::String),
    ("Type", Type::String),
    ("_TimeReceived", Type::DateTime),
    ("_ResourceId", Type::String),
    ("_SubscriptionId", Type::String),
    ("_IsBillable", Type::String),
    ("_BilledSize", Type::Real),
];

/// Sentinel tables that live only in the Microsoft Sentinel data lake tier, not in a Log
/// Analytics workspace, so they have only the columns that their page lists. The asset
/// tables are listed at https://learn.microsoft.com/azure/sentinel/datalake/asset-data-tables,
/// and https://learn.microsoft.com/azure/sentinel/datalake/enable-data-connectors states that
/// asset data is ingested into the data lake tier only, not the analytics tier.
const DATA_LAKE_TABLES: [&str; 8] = [
    "EntraApplications",
    "EntraGroupMemberships",
    "EntraGroups",
    "EntraMembers",
    "EntraOrganizations",
    "EntraServicePrincipals",
    "EntraUsers",
    "SharePointSitesAndLists",
];

/// Appends the Log Analytics standard columns that a built-in table with Sentinel columns
/// does not list, as Sentinel-only columns. Defender XDR-only tables and the data lake
/// tables in [`DATA_LAKE_TABLES`] get none.
fn add_standard_columns(table: &mut TableSchema) {
    let in_sentinel = table
        .columns
        .iter()
        .any(|column| column.availability.in_sentinel());
    if !in_sentinel || DATA_LAKE_TABLES.contains(&table.name.as_str()) {
        return;
    }
    for (name, ty) in STANDARD_COLUMNS {
        if table.column(name).is_none() {
            table.columns.push(ColumnSchema {
                name: name.to_string(),
                ty,
                availability: Availability::Sentinel,
                sentinel_ty: None,
            });
        }
    }
}

/// Returns the built-in table with this exact (case-sensitive) name. The lower-case
/// spelling of an Azure Resource Graph table is not found here; see [`arg::canonical_name`].
pub fn builtin(name: &str) -> Option<&'static TableSchema> {
    let catalog = catalog();
    catalog
        .by_name
        .get(name)
        .and_then(|&index| catalog.tables.get(index))
}

/// Adds the `--product sentinel` hint to a type error about a column that Defender XDR
/// types `string` and Sentinel `dynamic`, such as `mv-expand AdditionalFields` on a Log
/// Analytics CSV export, unless a product was chosen. `source` is the text the error's
/// span points into.
pub fn with_product_hint(error: Error, source: &str, product: Option<Product>) -> Error {
    if error.kind != crate::error::ErrorKind::TypeMismatch || product.is_some() {
        return error;
    }
    let Some(text) = error.span.clone().and_then(|span| source.get(span)) else {
        return error;
    };
    let column = crate::lexer::tokenize(text)
        .into_iter()
        .filter(|token| token.kind == crate::lexer::TokenKind::Name)
        .map(|token| &text[token.span])
        .find(|name| is_text_in_xdr_dynamic_in_sentinel(name));
    match column {
        Some(column) => error.with_hint(format!(
            "if the table is a Microsoft Sentinel export, run with --product sentinel, which \
             types {column} dynamic as Sentinel does"
        )),
        None => error,
    }
}

/// Returns true if some built-in table has a column of this name that Defender XDR types
/// `string` and Sentinel types `dynamic`, such as `AdditionalFields`.
fn is_text_in_xdr_dynamic_in_sentinel(column_name: &str) -> bool {
    catalog().tables.iter().any(|table| {
        table.column(column_name).is_some_and(|column| {
            column.ty == Type::String && column.sentinel_ty == Some(Type::Dynamic)
        })
    })
}

/// Returns the names of the built-in tables in alphabetical order.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    catalog().tables.iter().map(|table| table.name.as_str())
}

/// Parses a schema file: the format of the built-in catalog, also accepted from users.
///
/// The file is a list of tables, each a `table` line followed by one line per column:
///
/// ```text
/// # Lines starting with '#' and blank lines are ignored.
/// table DeviceNetworkEvents
/// Timestamp:datetime:xdr
/// RemotePort:int
/// AdditionalFields:string:xdr+sentinel:dynamic
///
/// table MyFirewallLogs_CL sentinel
/// TimeGenerated:datetime
/// SourceIP:string
/// ```
///
/// - `table NAME [AVAILABILITY]` starts a table. AVAILABILITY is the default for its
///   columns and is `xdr+sentinel` when omitted.
/// - `COLUMN:TYPE[:AVAILABILITY[:SENTINEL_TYPE]]` adds a column. TYPE is a KQL type name
///   (`string`, `long`, `datetime`, `dynamic`, …). AVAILABILITY is `xdr`, `sentinel` or
///   `xdr+sentinel`, and an empty one means the table's default. SENTINEL_TYPE is the
///   column's type in Sentinel where it differs from TYPE.
///
/// Names are case-sensitive. Table and column names must not contain `:` or whitespace,
/// a table needs at least one column, and a name may appear only once. `origin` names the
/// text in error messages, which read `origin:line: …`.
pub fn parse_schema_file(text: &str, origin: &str) -> Result<Vec<TableSchema>, Error> {
    let mut tables: Vec<TableSchema> = Vec::new();
    let mut table_lines: Vec<usize> = Vec::new();
    let mut table_names: HashSet<String> = HashSet::new();
    let mut column_names: HashSet<String> = HashSet::new();
    let mut default_availability = Availability::XdrAndSentinel;

    for (index, raw_line) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = raw_line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let error = |message: String| Error::data(format!("{origin}:{line_number}: {message}"));

        if let Some(header) = table_header(line) {
            let mut words = header.split_whitespace();
            let Some(name) = words.next() else {
                return Err(error(
                    "`table` needs a name, as in `table DeviceEvents`".to_string(),
                ));
            };
            default_availability = match words.next() {
                None => Availability::XdrAndSentinel,
                Some(word) => parse_availability(word).map_err(error)?,
            };
            if let Some(extra) = words.next() {
                return Err(error(format!(
                    "unexpected `{extra}` after the table's availability; \
                     write `table NAME [xdr|sentinel|xdr+sentinel]`"
                )));
            }
            finish_table(tables.last(), &table_lines, origin)?;
            if !table_names.insert(name.to_string()) {
                return Err(error(format!(
                    "table `{name}` is defined twice; merge its columns into one definition"
                )));
            }
            tables.push(TableSchema {
                name: name.to_string(),
                columns: Vec::new(),
            });
            table_lines.push(line_number);
            column_names.clear();
            continue;
        }

        let Some(table) = tables.last_mut() else {
            return Err(error(format!(
                "column `{line}` comes before any `table NAME` line; start the file with a table"
            )));
        };
        let column = parse_column(line, default_availability).map_err(error)?;
        if !column_names.insert(column.name.clone()) {
            return Err(error(format!(
                "column `{}` appears twice in table `{}`; remove one",
                column.name, table.name
            )));
        }
        table.columns.push(column);
    }

    finish_table(tables.last(), &table_lines, origin)?;
    Ok(tables)
}

/// Returns the rest of a `table NAME …` line, or `None` for a column line.
fn table_header(line: &str) -> Option<&str> {
    if line.contains(':') {
        return None;
    }
    let rest = line.strip_prefix("table")?;
    if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        Some(rest.trim())
    } else {
        None
    }
}

/// Rejects a table without columns, reporting the line of its `table` header.
fn finish_table(
    table: Option<&TableSchema>,
    table_lines: &[usize],
    origin: &str,
) -> Result<(), Error> {
    match (table, table_lines.last()) {
        (Some(table), Some(line_number)) if table.columns.is_empty() => Err(Error::data(format!(
            "{origin}:{line_number}: table `{}` has no columns; add lines such as `TimeGenerated:datetime`",
            table.name
        ))),
        _ => Ok(()),
    }
}

fn parse_column(line: &str, default_availability: Availability) -> Result<ColumnSchema, String> {
    let parts: Vec<&str> = line.split(':').map(str::trim).collect();
    let (name, type_name, availability, sentinel_type) = match parts.as_slice() {
        [name, ty] => (*name, *ty, "", ""),
        [name, ty, availability] => (*name, *ty, *availability, ""),
        [name, ty, availability, sentinel_ty] => (*name, *ty, *availability, *sentinel_ty),
        _ => {
            return Err(format!(
                "invalid column line `{line}`; write `COLUMN:TYPE[:AVAILABILITY[:SENTINEL_TYPE]]`"
            ))
        }
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!(
            "invalid column name `{name}`; names must be non-empty and contain no whitespace"
        ));
    }
    let ty = parse_type(type_name)?;
    let availability = if availability.is_empty() {
        default_availability
    } else {
        parse_availability(availability)?
    };
    let sentinel_ty = if sentinel_type.is_empty() {
        None
    } else {
        Some(parse_type(sentinel_type)?)
    };
    Ok(ColumnSchema {
        name: name.to_string(),
        ty,
        availability,
        sentinel_ty,
    })
}

fn parse_type(name: &str) -> Result<Type, String> {
    Type::from_name(name).ok_or_else(|| {
        format!(
            "unknown type `{name}`; expected one of bool, int, long, real, decimal, string, \
             datetime, timespan, guid, dynamic"
        )
    })
}

fn parse_availability(name: &str) -> Result<Availability, String> {
    Availability::from_name(name).ok_or_else(|| {
        format!("unknown availability `{name}`; expected xdr, sentinel or xdr+sentinel")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_hint_names_sentinel_dynamic_column() {
        let source = "DeviceEvents | mv-expand AdditionalFields";
        let error = || {
            Error::at(
                crate::error::ErrorKind::TypeMismatch,
                25..41,
                "mv-expand needs a dynamic array or property bag, not string",
            )
        };
        let hinted = with_product_hint(error(), source, None);
        assert!(hinted
            .hints
            .iter()
            .any(|hint| hint.contains("--product sentinel")));
        let chosen = with_product_hint(error(), source, Some(Product::Xdr));
        assert!(chosen.hints.is_empty());
        let other = Error::at(crate::error::ErrorKind::TypeMismatch, 0..12, "not dynamic");
        assert!(with_product_hint(other, source, None).hints.is_empty());
    }

    fn parse_error(text: &str) -> String {
        match parse_schema_file(text, "my.schema") {
            Ok(tables) => panic!("expected an error, parsed {tables:?}"),
            Err(error) => error.message,
        }
    }

    #[test]
    fn builtin_catalog_has_all_tables() {
        let names: Vec<&str> = builtin_names().collect();
        assert_eq!(names.len(), 127 + arg::ARG_TABLES.len());
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert!(names.contains(&"DeviceProcessEvents"));
        assert!(names.contains(&"SigninLogs"));
        assert!(names.contains(&"CommonSecurityLog"));
    }

    // Expected types from the DeviceTvmSoftwareVulnerabilitiesKB pages
    // https://learn.microsoft.com/defender-xdr/advanced-hunting-devicetvmsoftwarevulnerabilitieskb-table
    // and https://learn.microsoft.com/azure/azure-monitor/reference/tables/devicetvmsoftwarevulnerabilitieskb,
    // and from https://learn.microsoft.com/defender-xdr/advanced-hunting-exposuregraphnodes-table.
    #[test]
    fn builtin_added_tables_match_docs() {
        let Some(kb) = builtin("DeviceTvmSoftwareVulnerabilitiesKB") else {
            panic!("DeviceTvmSoftwareVulnerabilitiesKB is missing");
        };
        let cvss = kb.column("CvssScore");
        assert_eq!(cvss.map(|c| c.ty), Some(Type::String));
        assert_eq!(cvss.and_then(|c| c.sentinel_ty), Some(Type::Real));
        assert_eq!(
            kb.column("IsExploitAvailable").map(|c| c.ty),
            Some(Type::Bool)
        );
        assert_eq!(
            kb.column("PublishedDate").map(|c| c.ty),
            Some(Type::DateTime)
        );
        assert_eq!(
            kb.column("AffectedSoftware").map(|c| c.ty),
            Some(Type::Dynamic)
        );
        assert_eq!(
            kb.column("TimeGenerated").map(|c| c.availability),
            Some(Availability::Sentinel)
        );

        let Some(nodes) = builtin("ExposureGraphNodes") else {
            panic!("ExposureGraphNodes is missing");
        };
        let names: Vec<&str> = nodes.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Categories",
                "EntityIds",
                "NodeId",
                "NodeLabel",
                "NodeName",
                "NodeProperties"
            ]
        );
        assert_eq!(
            nodes.column("NodeProperties").map(|c| c.ty),
            Some(Type::Dynamic)
        );
        assert_eq!(nodes.column("NodeId").map(|c| c.ty), Some(Type::String));
        assert!(nodes
            .columns
            .iter()
            .all(|column| column.availability == Availability::Xdr));
    }

    /// Tables added from the Defender XDR advanced hunting reference and the Azure Monitor
    /// Logs table reference.
    const ADDED_TABLES: [&str; 43] = [
        "AADCustomSecurityAttributeAuditLogs",
        "AADServicePrincipalRiskEvents",
        "AADServicePrincipalSignInLogs",
        "AADSpnSignInEventsBeta",
        "ADFSSignInLogs",
        "AKSAudit",
        "AKSAuditAdmin",
        "AKSControlPlane",
        "AZFWApplicationRule",
        "AZFWDnsQuery",
        "AZFWIdpsSignature",
        "AZFWNetworkRule",
        "AZFWThreatIntel",
        "AgentsInfo",
        "ApiManagementGatewayLogs",
        "AppServiceAuditLogs",
        "AppServiceHTTPLogs",
        "AppServiceIPSecAuditLogs",
        "AppTraces",
        "BehaviorInfo",
        "ContainerLog",
        "ContainerRegistryLoginEvents",
        "ContainerRegistryRepositoryEvents",
        "DeviceBaselineComplianceAssessment",
        "DeviceTvmHardwareFirmware",
        "DeviceTvmSecureConfigurationAssessmentKB",
        "DeviceTvmSoftwareEvidenceBeta",
        "FileMaliciousContentInfo",
        "IntuneOperationalLogs",
        "LAQueryLogs",
        "MessageEvents",
        "MessagePostDeliveryEvents",
        "MessageUrlInfo",
        "PowerAppsActivity",
        "PowerPlatformConnectorActivity",
        "SQLSecurityAuditEvents",
        "StorageBlobLogs",
        "StorageFileLogs",
        "StorageQueueLogs",
        "StorageTableLogs",
        "UCClient",
        "VMConnection",
        "W3CIISLog",
    ];

    #[test]
    fn added_tables_bind() {
        for name in ADDED_TABLES {
            let query = format!("{name} | take 1");
            let bound = crate::engine::check(&query, &BuiltinSchemas::new());
            assert!(bound.is_ok(), "{name}: {:?}", bound.err());
        }
    }

    // Columns and types from
    // https://learn.microsoft.com/defender-xdr/advanced-hunting-behaviorentities-table and
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/copilotactivity.
    #[test]
    fn behavior_entities_and_copilot_activity_match_docs() {
        let Some(entities) = builtin("BehaviorEntities") else {
            panic!("BehaviorEntities is missing");
        };
        assert_eq!(entities.columns.len(), 37);
        assert!(entities
            .columns
            .iter()
            .all(|column| column.availability == Availability::Xdr));
        let entity_type = |name: &str| entities.column(name).map(|c| c.ty);
        assert_eq!(entity_type("Timestamp"), Some(Type::DateTime));
        assert_eq!(entity_type("FileSize"), Some(Type::Long));
        assert_eq!(entity_type("ApplicationId"), Some(Type::Int));
        assert_eq!(entity_type("AdditionalFields"), Some(Type::String));
        assert_eq!(entity_type("TimeGenerated"), None);

        let Some(copilot) = builtin("CopilotActivity") else {
            panic!("CopilotActivity is missing");
        };
        let copilot_type = |name: &str| copilot.column(name).map(|c| c.ty);
        assert_eq!(copilot_type("LLMEventData"), Some(Type::Dynamic));
        assert_eq!(copilot_type("TimeGenerated"), Some(Type::DateTime));
        assert_eq!(copilot_type("SrcIpAddr"), Some(Type::String));
        assert_eq!(copilot_type("Timestamp"), None);
        for standard in ["TenantId", "Type", "_BilledSize", "_IsBillable"] {
            assert!(copilot.column(standard).is_some(), "{standard} is missing");
        }
        assert!(copilot
            .columns
            .iter()
            .all(|column| column.availability == Availability::Sentinel));
    }

    // Types from the Azure Monitor Logs reference pages of these tables, each at
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/<lower-case name>,
    // for example https://learn.microsoft.com/azure/azure-monitor/reference/tables/storagebloblogs.
    #[test]
    fn azure_resource_log_tables_match_docs() {
        let cases = [
            ("StorageBlobLogs", "DurationMs", Type::Real),
            ("StorageBlobLogs", "OperationCount", Type::Int),
            ("StorageBlobLogs", "ContentLengthHeader", Type::Long),
            ("StorageBlobLogs", "AuthorizationDetails", Type::Dynamic),
            ("StorageBlobLogs", "LastModifiedTime", Type::DateTime),
            ("StorageFileLogs", "SmbCommandMajor", Type::Int),
            ("StorageFileLogs", "SmbPrimarySID", Type::String),
            ("AZFWApplicationRule", "DestinationPort", Type::Int),
            ("AZFWApplicationRule", "IsTlsInspected", Type::Bool),
            ("AZFWDnsQuery", "RequestDurationSecs", Type::Real),
            ("AKSAudit", "User", Type::Dynamic),
            ("AKSAudit", "StageReceivedTime", Type::DateTime),
            ("PowerAppsActivity", "AdditionalInfo", Type::Dynamic),
            ("ContainerLog", "TimeOfCommand", Type::DateTime),
            ("AppServiceIPSecAuditLogs", "CIp", Type::String),
        ];
        for (table, column, ty) in cases {
            let found = builtin_table(table).column(column);
            assert_eq!(found.map(|c| c.ty), Some(ty), "{table}.{column}");
            assert_eq!(
                found.map(|c| c.availability),
                Some(Availability::Sentinel),
                "{table}.{column}"
            );
        }

        // The pages list the standard columns too, and the catalog adds them on load.
        let blob = builtin_table("StorageBlobLogs");
        assert_eq!(blob.column("_BilledSize").map(|c| c.ty), Some(Type::Real));
        assert_eq!(
            blob.column("_SubscriptionId").map(|c| c.ty),
            Some(Type::String)
        );
        assert!(blob.column("Timestamp").is_none());
    }

    /// Returns the built-in table `name`, failing the test when the catalog lacks it.
    fn builtin_table(name: &str) -> &'static TableSchema {
        builtin(name).unwrap_or_else(|| panic!("{name} is missing from the catalog"))
    }

    // Columns and types from
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/azurediagnostics,
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/operation,
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/azkvauditlogs and
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/aadmanagedidentitysigninlogs.
    #[test]
    fn log_analytics_tables_match_docs() {
        let diagnostics = builtin_table("AzureDiagnostics");
        let diagnostics_type = |name: &str| diagnostics.column(name).map(|c| c.ty);
        assert_eq!(diagnostics_type("ResourceProvider"), Some(Type::String));
        assert_eq!(diagnostics_type("JobId_g"), Some(Type::Guid));
        assert_eq!(diagnostics_type("clientPort_d"), Some(Type::Real));
        assert_eq!(diagnostics_type("DurationMs"), Some(Type::Long));
        assert_eq!(diagnostics_type("isAccessPolicyMatch_b"), Some(Type::Bool));
        assert_eq!(diagnostics_type("endTime_t"), Some(Type::DateTime));
        assert_eq!(diagnostics_type("AdditionalFields"), Some(Type::Dynamic));
        assert_eq!(diagnostics_type("SubscriptionId"), Some(Type::String));
        assert_eq!(diagnostics_type("status_s"), Some(Type::String));
        assert_eq!(diagnostics_type("Status_s"), Some(Type::String));
        assert_eq!(diagnostics_type("workflowId_s"), Some(Type::String));
        assert_eq!(diagnostics_type("Timestamp"), None);

        let operation = builtin_table("Operation");
        let operation_type = |name: &str| operation.column(name).map(|c| c.ty);
        assert_eq!(operation_type("Detail"), Some(Type::String));
        assert_eq!(operation_type("OperationKey"), Some(Type::String));
        assert_eq!(operation_type("TimeGenerated"), Some(Type::DateTime));

        let key_vault = builtin_table("AZKVAuditLogs");
        let key_vault_type = |name: &str| key_vault.column(name).map(|c| c.ty);
        assert_eq!(key_vault_type("DurationMs"), Some(Type::Int));
        assert_eq!(key_vault_type("Identity"), Some(Type::Dynamic));
        assert_eq!(key_vault_type("IsRbacAuthorized"), Some(Type::Bool));
        assert_eq!(key_vault_type("Tlsversion"), Some(Type::String));

        let managed_identity = builtin_table("AADManagedIdentitySignInLogs");
        let managed_identity_type = |name: &str| managed_identity.column(name).map(|c| c.ty);
        assert_eq!(managed_identity_type("DurationMs"), Some(Type::Long));
        assert_eq!(
            managed_identity_type("ServicePrincipalName"),
            Some(Type::String)
        );
        assert_eq!(
            managed_identity_type("CreatedDateTime"),
            Some(Type::DateTime)
        );

        for table in [diagnostics, operation, key_vault, managed_identity] {
            assert!(
                table
                    .columns
                    .iter()
                    .all(|column| column.availability == Availability::Sentinel),
                "{} has a column outside Sentinel",
                table.name
            );
        }
    }

    // Columns and types from
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/sqlsecurityauditevents.
    #[test]
    fn sql_security_audit_events_match_docs() {
        let audit = builtin_table("SQLSecurityAuditEvents");
        let audit_type = |name: &str| audit.column(name).map(|c| c.ty);
        assert_eq!(audit_type("ClientTlsVersion"), Some(Type::Int));
        assert_eq!(audit_type("AffectedRows"), Some(Type::Long));
        assert_eq!(audit_type("EventTime"), Some(Type::DateTime));
        assert_eq!(audit_type("Succeeded"), Some(Type::Bool));
        assert_eq!(audit_type("Statement"), Some(Type::String));
        assert_eq!(audit_type("TimeGenerated"), Some(Type::DateTime));
        assert_eq!(audit_type("Timestamp"), None);
        // 50 columns of its own plus the 7 Log Analytics standard columns.
        assert_eq!(audit.columns.len(), 57);
        assert!(audit
            .columns
            .iter()
            .all(|column| column.availability == Availability::Sentinel));
    }

    /// Asserts that every column of a data lake table is Sentinel-only and that no Log
    /// Analytics standard column was added to it.
    fn assert_data_lake_table(table: &TableSchema) {
        for column in &table.columns {
            assert_eq!(
                column.availability,
                Availability::Sentinel,
                "{}.{}",
                table.name,
                column.name
            );
        }
        for standard in ["Type", "_TimeReceived", "_ResourceId", "_BilledSize"] {
            assert!(
                table.column(standard).is_none(),
                "{}.{standard} should not exist",
                table.name
            );
        }
    }

    // Columns and Kusto types from the "Microsoft Entra ID asset data tables" section of
    // https://learn.microsoft.com/azure/sentinel/datalake/asset-data-tables.
    #[test]
    fn entra_users_and_groups_match_docs() {
        let users = builtin_table("EntraUsers");
        let user_type = |name: &str| users.column(name).map(|c| c.ty);
        assert_eq!(user_type("accountEnabled"), Some(Type::Bool));
        assert_eq!(user_type("employeeHireDate"), Some(Type::DateTime));
        assert_eq!(user_type("otherMails"), Some(Type::Dynamic));
        assert_eq!(user_type("businessPhones"), Some(Type::String));
        assert_eq!(user_type("userPrincipalName"), Some(Type::String));
        assert_eq!(user_type("_SnapshotTime"), Some(Type::DateTime));
        assert_eq!(user_type("tenantId"), Some(Type::String));
        assert_eq!(user_type("TenantId"), None);
        assert_eq!(user_type("UserPrincipalName"), None);
        assert_eq!(users.columns.len(), 57);

        let groups = builtin_table("EntraGroups");
        let group_type = |name: &str| groups.column(name).map(|c| c.ty);
        assert_eq!(group_type("groupTypes"), Some(Type::Dynamic));
        assert_eq!(group_type("securityEnabled"), Some(Type::Bool));
        assert_eq!(group_type("renewedDateTime"), Some(Type::DateTime));
        assert_eq!(group_type("membershipRule"), Some(Type::String));
        assert_eq!(groups.columns.len(), 33);

        let memberships = builtin_table("EntraGroupMemberships");
        let names: Vec<&str> = memberships
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "tenantId",
                "organizationId",
                "sourceId",
                "targetId",
                "_SnapshotTime",
                "_ReceivedTime",
                "TimeGenerated"
            ]
        );
        assert_eq!(
            memberships.column("TimeGenerated").map(|c| c.ty),
            Some(Type::DateTime)
        );

        for table in [users, groups, memberships] {
            assert_data_lake_table(table);
        }
    }

    // Columns and Kusto types from
    // https://learn.microsoft.com/azure/sentinel/datalake/asset-data-tables.
    #[test]
    fn other_data_lake_asset_tables_match_docs() {
        let applications = builtin_table("EntraApplications");
        let application_type = |name: &str| applications.column(name).map(|c| c.ty);
        assert_eq!(application_type("identifierUris"), Some(Type::Dynamic));
        assert_eq!(
            application_type("isDeviceOnlyAuthSupported"),
            Some(Type::Bool)
        );
        assert_eq!(application_type("deletedDateTime"), Some(Type::DateTime));
        assert_eq!(applications.columns.len(), 19);

        // The page spells this table's object ID `ID`, not `id`.
        let principals = builtin_table("EntraServicePrincipals");
        let principal_type = |name: &str| principals.column(name).map(|c| c.ty);
        assert_eq!(principal_type("ID"), Some(Type::String));
        assert_eq!(principal_type("id"), None);
        assert_eq!(principal_type("servicePrincipalNames"), Some(Type::Dynamic));
        assert_eq!(
            principal_type("appRoleAssignmentRequired"),
            Some(Type::Bool)
        );
        assert_eq!(principals.columns.len(), 24);

        let members = builtin_table("EntraMembers");
        assert_eq!(
            members.column("targetType").map(|c| c.ty),
            Some(Type::String)
        );
        assert_eq!(members.columns.len(), 9);

        let organizations = builtin_table("EntraOrganizations");
        let organization_type = |name: &str| organizations.column(name).map(|c| c.ty);
        assert_eq!(
            organization_type("technicalNotificationMails"),
            Some(Type::Dynamic)
        );
        assert_eq!(organization_type("onPremisesSyncEnabled"), Some(Type::Bool));
        assert_eq!(organization_type("deletedDateTime"), None);
        assert_eq!(organizations.columns.len(), 23);

        // The Microsoft 365 asset table spells its tenant column `TenantId`.
        let sites = builtin_table("SharePointSitesAndLists");
        let site_type = |name: &str| sites.column(name).map(|c| c.ty);
        assert_eq!(site_type("ReceivedTimeWindow"), Some(Type::DateTime));
        assert_eq!(site_type("TenantId"), Some(Type::String));
        assert_eq!(site_type("WebUrl"), Some(Type::String));
        assert_eq!(sites.columns.len(), 13);

        for name in DATA_LAKE_TABLES {
            assert_data_lake_table(builtin_table(name));
        }
    }

    // Columns and types from the July 2026 revision of
    // https://learn.microsoft.com/defender-xdr/advanced-hunting-entraidsigninevents-table.
    #[test]
    fn entra_id_sign_in_events_match_docs() {
        let events = builtin_table("EntraIdSignInEvents");
        let event_type = |name: &str| events.column(name).map(|c| c.ty);
        assert_eq!(event_type("TokenIssuerType"), Some(Type::String));
        assert_eq!(event_type("RiskLevelDuringSignIn"), Some(Type::Int));
        assert_eq!(event_type("RiskEventTypes"), Some(Type::String));
        assert_eq!(event_type("GatewayJA4"), Some(Type::String));
        assert_eq!(
            event_type("IsSignInThroughGlobalSecureAccess"),
            Some(Type::Bool)
        );
        assert_eq!(event_type("TimeGenerated"), Some(Type::DateTime));
        assert_eq!(event_type("Timestamp"), Some(Type::DateTime));
        assert_eq!(event_type("IsThroughGlobalSecureAccess"), None);
        assert_eq!(event_type("RiskDetails"), None);
        assert_eq!(events.columns.len(), 52);
        assert!(events
            .columns
            .iter()
            .all(|column| column.availability == Availability::Xdr));
    }

    // The Sentinel copies documented at
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/oauthappinfo,
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/identityaccountinfo and
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/behaviorinfo add
    // TimeGenerated to the advanced hunting tables of the same name.
    #[test]
    fn xdr_tables_with_sentinel_copies() {
        for name in ["OAuthAppInfo", "IdentityAccountInfo", "BehaviorInfo"] {
            let table = builtin_table(name);
            let availability = |column: &str| table.column(column).map(|c| c.availability);
            assert_eq!(
                availability("TimeGenerated"),
                Some(Availability::Sentinel),
                "{name}.TimeGenerated"
            );
            assert_eq!(
                availability("SourceSystem"),
                Some(Availability::Sentinel),
                "{name}.SourceSystem"
            );
            assert!(table.column("TenantId").is_some(), "{name}.TenantId");
        }

        let apps = builtin_table("OAuthAppInfo");
        let app_column = |name: &str| apps.column(name).map(|c| (c.ty, c.availability));
        assert_eq!(
            app_column("Timestamp"),
            Some((Type::DateTime, Availability::Xdr))
        );
        assert_eq!(
            app_column("ConsentedUsersCount"),
            Some((Type::Int, Availability::XdrAndSentinel))
        );
        assert_eq!(
            app_column("RiskScore"),
            Some((Type::Long, Availability::Xdr))
        );

        let accounts = builtin_table("IdentityAccountInfo");
        let account_availability = |name: &str| accounts.column(name).map(|c| c.availability);
        assert_eq!(
            account_availability("Timestamp"),
            Some(Availability::XdrAndSentinel)
        );
        assert_eq!(
            account_availability("SourceProvderRiskLevel"),
            Some(Availability::Xdr)
        );
        assert_eq!(
            account_availability("SourceProviderRiskLevel"),
            Some(Availability::Sentinel)
        );

        let behaviors = builtin_table("BehaviorInfo");
        assert_eq!(
            behaviors.column("Title").map(|c| c.availability),
            Some(Availability::Xdr)
        );
    }

    // Columns from https://learn.microsoft.com/defender-xdr/advanced-hunting-identityinfo-table
    // and https://learn.microsoft.com/azure/azure-monitor/reference/tables/identityinfo.
    #[test]
    fn identity_info_merges_both_products() {
        let Some(table) = builtin("IdentityInfo") else {
            panic!("IdentityInfo is missing");
        };
        let availability = |name: &str| table.column(name).map(|c| c.availability);
        assert_eq!(availability("Timestamp"), Some(Availability::Xdr));
        assert_eq!(availability("OnPremSid"), Some(Availability::Xdr));
        assert_eq!(availability("AccountUpn"), Some(Availability::Xdr));
        assert_eq!(availability("AccountUPN"), Some(Availability::Sentinel));
        assert_eq!(availability("TimeGenerated"), Some(Availability::Sentinel));
        assert_eq!(
            availability("AccountObjectId"),
            Some(Availability::XdrAndSentinel)
        );
        assert_eq!(
            table.column("CriticalityLevel").map(|c| c.ty),
            Some(Type::Int)
        );

        let tags = table.column("Tags");
        assert_eq!(tags.map(|c| c.ty), Some(Type::Dynamic));
        assert_eq!(tags.and_then(|c| c.sentinel_ty), Some(Type::String));
        let control = table.column("UserAccountControl");
        assert_eq!(control.map(|c| c.ty), Some(Type::String));
        assert_eq!(control.and_then(|c| c.sentinel_ty), Some(Type::Dynamic));
    }

    /// Binds `query` against the built-in catalog and asserts that its output columns are
    /// `expected`, in order, with those types.
    fn assert_bound_columns(query: &str, expected: &[(&str, Type)]) {
        let bound = match crate::engine::check(query, &BuiltinSchemas::new()) {
            Ok(bound) => bound,
            Err(error) => panic!("{query}: {error:?}"),
        };
        let columns: Vec<(&str, Type)> = bound
            .plan
            .schema
            .fields
            .iter()
            .map(|field| (field.name.as_str(), field.ty))
            .collect();
        assert_eq!(columns, expected, "{query}");
    }

    // SourceProvider: the April 2024 revision of
    // https://learn.microsoft.com/defender-xdr/advanced-hunting-identityinfo-table
    // (defender-docs commit 56c745a0cb4ff2031cce5fb4d689a2502a6ec811). ResourceId: the
    // August 2023 revision of
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/azurediagnostics
    // (azure-reference-other commit f7a0dfccf36ef6ce52dc206e583a405d83e62397).
    #[test]
    fn columns_from_older_revisions_bind() {
        assert_bound_columns(
            r#"IdentityInfo | where SourceProvider == "ActiveDirectory" | project SourceProvider"#,
            &[("SourceProvider", Type::String)],
        );
        assert_bound_columns(
            "AzureDiagnostics | project ResourceId",
            &[("ResourceId", Type::String)],
        );

        let Some(identity) = builtin("IdentityInfo") else {
            panic!("IdentityInfo is missing");
        };
        assert_eq!(
            identity.column("SourceProvider").map(|c| c.availability),
            Some(Availability::Xdr)
        );
        let Some(diagnostics) = builtin("AzureDiagnostics") else {
            panic!("AzureDiagnostics is missing");
        };
        assert_eq!(
            diagnostics.column("ResourceId").map(|c| c.availability),
            Some(Availability::Sentinel)
        );
    }

    // Columns and types from the July 2024 revision of
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/containerregistryrepositoryevents.
    #[test]
    fn container_registry_repository_events_match_docs() {
        assert_bound_columns(
            "ContainerRegistryRepositoryEvents | project Repository, Tag, Size, DurationMs, TimeGenerated",
            &[
                ("Repository", Type::String),
                ("Tag", Type::String),
                ("Size", Type::Int),
                ("DurationMs", Type::String),
                ("TimeGenerated", Type::DateTime),
            ],
        );

        let Some(table) = builtin("ContainerRegistryRepositoryEvents") else {
            panic!("ContainerRegistryRepositoryEvents is missing");
        };
        assert!(table
            .columns
            .iter()
            .all(|column| column.availability == Availability::Sentinel));
        assert!(table.column("_ResourceId").is_some());
        assert!(table.column("Timestamp").is_none());
    }

    // Columns and types from the August 2024 revision of
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/w3ciislog.
    #[test]
    fn w3c_iis_log_matches_docs() {
        assert_bound_columns(
            "W3CIISLog | project csUserAgent, scBytes, sPort, RemoteIPLatitude",
            &[
                ("csUserAgent", Type::String),
                ("scBytes", Type::Long),
                ("sPort", Type::Int),
                ("RemoteIPLatitude", Type::Real),
            ],
        );
    }

    #[test]
    fn sentinel_tables_get_standard_columns() {
        for name in ["SigninLogs", "DeviceEvents", "IdentityInfo", "LAQueryLogs"] {
            let Some(table) = builtin(name) else {
                panic!("{name} is missing");
            };
            for (column, ty) in STANDARD_COLUMNS {
                let found = table.column(column);
                assert_eq!(found.map(|c| c.ty), Some(ty), "{name}.{column}");
                assert!(
                    found.is_some_and(|c| c.availability.in_sentinel()),
                    "{name}.{column}"
                );
            }
        }
        let received = builtin("SigninLogs").and_then(|table| table.column("_TimeReceived"));
        assert_eq!(
            received.map(|c| c.availability),
            Some(Availability::Sentinel)
        );
        // IdentityInfo lists TenantId for both products, and keeps it so.
        let tenant = builtin("IdentityInfo").and_then(|table| table.column("TenantId"));
        assert_eq!(
            tenant.map(|c| c.availability),
            Some(Availability::XdrAndSentinel)
        );
    }

    #[test]
    fn xdr_only_tables_get_no_standard_columns() {
        for name in ["AADSignInEventsBeta", "MessageEvents", "ExposureGraphNodes"] {
            let Some(table) = builtin(name) else {
                panic!("{name} is missing");
            };
            assert!(table.column("_TimeReceived").is_none(), "{name}");
            assert!(table.column("TenantId").is_none(), "{name}");
        }
    }

    #[test]
    fn user_schema_gets_no_standard_columns() {
        let tables = parse_schema_file("table Fw_CL sentinel\nTimeGenerated:datetime\n", "u")
            .unwrap_or_default();
        let columns = tables.first().map(|table| table.columns.len());
        assert_eq!(columns, Some(1));
    }

    #[test]
    fn product_views_select_columns_and_types() {
        let Some(table) = builtin("DeviceEvents") else {
            panic!("DeviceEvents is missing");
        };
        let ty = |view: SchemaView, name: &str| {
            table.to_view_schema(view).field(name).map(|field| field.ty)
        };
        let xdr = SchemaView::Product(Product::Xdr);
        let sentinel = SchemaView::Product(Product::Sentinel);

        assert_eq!(
            ty(SchemaView::Union, "AdditionalFields"),
            Some(Type::String)
        );
        assert_eq!(
            ty(SchemaView::UnionSentinelTypes, "AdditionalFields"),
            Some(Type::Dynamic)
        );
        assert_eq!(ty(xdr, "AdditionalFields"), Some(Type::String));
        assert_eq!(ty(sentinel, "AdditionalFields"), Some(Type::Dynamic));

        assert_eq!(ty(xdr, "Timestamp"), Some(Type::DateTime));
        assert_eq!(ty(xdr, "TimeGenerated"), None);
        assert_eq!(ty(sentinel, "Timestamp"), None);
        assert_eq!(ty(sentinel, "TimeGenerated"), Some(Type::DateTime));
        assert_eq!(ty(SchemaView::Union, "_TimeReceived"), Some(Type::DateTime));
    }

    #[test]
    fn product_view_hides_tables_the_product_lacks() {
        use crate::binder::SchemaSource;
        let catalog = SchemaCatalog::new(Vec::new());
        let xdr = catalog.with_view(SchemaView::Product(Product::Xdr));
        let sentinel = catalog.with_view(SchemaView::Product(Product::Sentinel));

        assert!(xdr.schema("SigninLogs").is_none());
        assert!(sentinel.schema("SigninLogs").is_some());
        assert!(xdr.schema("MessageEvents").is_some());
        assert!(sentinel.schema("MessageEvents").is_none());
        assert!(!xdr.table_names().iter().any(|name| name == "SigninLogs"));
        assert!(catalog.schema("SigninLogs").is_some());
        assert!(catalog.schema("MessageEvents").is_some());
    }

    #[test]
    fn second_spelling_has_the_same_columns() {
        let (Some(second), Some(first)) = (
            builtin("GraphAPIAuditEvents"),
            builtin("GraphApiAuditEvents"),
        ) else {
            panic!("a spelling of the Graph API audit table is missing");
        };
        assert_eq!(second.columns, first.columns);
        assert!(builtin("GraphapiAuditEvents").is_none());
    }

    #[test]
    fn builtin_lookup_is_case_sensitive() {
        assert!(builtin("DeviceNetworkEvents").is_some());
        assert!(builtin("devicenetworkevents").is_none());
        assert!(builtin("NoSuchTable").is_none());
    }

    #[test]
    fn builtin_device_table_columns() {
        let Some(table) = builtin("DeviceNetworkEvents") else {
            panic!("DeviceNetworkEvents is missing");
        };
        let timestamp = table.column("Timestamp");
        assert_eq!(timestamp.map(|c| c.ty), Some(Type::DateTime));
        assert_eq!(timestamp.map(|c| c.availability), Some(Availability::Xdr));

        let generated = table.column("TimeGenerated");
        assert_eq!(
            generated.map(|c| c.availability),
            Some(Availability::Sentinel)
        );

        let additional = table.column("AdditionalFields");
        assert_eq!(additional.map(|c| c.ty), Some(Type::String));
        assert_eq!(additional.and_then(|c| c.sentinel_ty), Some(Type::Dynamic));
        assert_eq!(
            additional.map(|c| c.availability),
            Some(Availability::XdrAndSentinel)
        );

        assert_eq!(table.column("RemotePort").map(|c| c.ty), Some(Type::Int));
        assert_eq!(table.column("RemoteIP").map(|c| c.ty), Some(Type::String));
    }

    #[test]
    fn builtin_sentinel_table_is_sentinel_only() {
        let Some(table) = builtin("SigninLogs") else {
            panic!("SigninLogs is missing");
        };
        assert!(table
            .columns
            .iter()
            .all(|column| column.availability == Availability::Sentinel));
        assert!(table.column("Timestamp").is_none());
    }

    #[test]
    fn to_schema_keeps_both_time_columns() {
        let Some(table) = builtin("DeviceProcessEvents") else {
            panic!("DeviceProcessEvents is missing");
        };
        let schema = table.to_schema();
        assert_eq!(schema.len(), table.columns.len());
        assert_eq!(
            schema.field("Timestamp").map(|f| f.ty),
            Some(Type::DateTime)
        );
        assert_eq!(
            schema.field("TimeGenerated").map(|f| f.ty),
            Some(Type::DateTime)
        );
        assert_eq!(
            schema.field("AdditionalFields").map(|f| f.ty),
            Some(Type::String)
        );
        assert_eq!(
            schema.fields.first().map(|f| f.name.as_str()),
            Some("Timestamp")
        );
    }

    #[test]
    fn schema_file_parses_tables_and_defaults() {
        let text = "# firewall export\n\
                    table Fw_CL sentinel\n\
                    TimeGenerated:datetime\n\
                    \n\
                    Port : long\n\
                    table Both\n\
                    Timestamp:datetime:xdr\n\
                    Extra:string::dynamic\n";
        let tables = match parse_schema_file(text, "my.schema") {
            Ok(tables) => tables,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(tables.len(), 2);
        let firewall = &tables[0];
        assert_eq!(firewall.name, "Fw_CL");
        assert_eq!(firewall.columns.len(), 2);
        assert_eq!(firewall.columns[1].name, "Port");
        assert_eq!(firewall.columns[1].ty, Type::Long);
        assert_eq!(firewall.columns[1].availability, Availability::Sentinel);

        let both = &tables[1];
        assert_eq!(both.columns[0].availability, Availability::Xdr);
        assert_eq!(both.columns[1].availability, Availability::XdrAndSentinel);
        assert_eq!(both.columns[1].sentinel_ty, Some(Type::Dynamic));
    }

    #[test]
    fn schema_file_rejects_unknown_type() {
        let message = parse_error("table T\nA:string\nB:lng\n");
        assert!(message.starts_with("my.schema:3: "), "{message}");
        assert!(message.contains("unknown type `lng`"), "{message}");
    }

    #[test]
    fn schema_file_rejects_column_before_table() {
        let message = parse_error("A:string\n");
        assert!(message.starts_with("my.schema:1: "), "{message}");
        assert!(
            message.contains("before any `table NAME` line"),
            "{message}"
        );
    }

    #[test]
    fn schema_file_rejects_duplicates() {
        let column = parse_error("table T\nA:string\nA:long\n");
        assert!(column.starts_with("my.schema:3: "), "{column}");
        assert!(column.contains("appears twice"), "{column}");

        let table = parse_error("table T\nA:string\ntable T\nB:long\n");
        assert!(table.starts_with("my.schema:3: "), "{table}");
        assert!(table.contains("defined twice"), "{table}");
    }

    #[test]
    fn schema_file_rejects_empty_table() {
        let last = parse_error("table T\nA:string\ntable Empty\n");
        assert!(last.starts_with("my.schema:3: "), "{last}");
        assert!(last.contains("`Empty` has no columns"), "{last}");

        let middle = parse_error("table Empty\ntable T\nA:string\n");
        assert!(middle.starts_with("my.schema:1: "), "{middle}");
    }

    #[test]
    fn display_round_trips_through_parser() {
        let mut tables: Vec<TableSchema> = builtin_names().filter_map(builtin).cloned().collect();
        let text = "table Fw_CL sentinel\nTimeGenerated:datetime\nPort:long::int\n";
        tables.extend(parse_schema_file(text, "t").unwrap_or_default());
        for table in tables {
            let printed = table.to_string();
            let parsed = parse_schema_file(&printed, "printed");
            assert_eq!(parsed.ok(), Some(vec![table.clone()]), "{printed}");
        }
    }

    #[test]
    fn display_marks_table_availability() {
        let text = "table Fw_CL sentinel\nTimeGenerated:datetime\n";
        let tables = parse_schema_file(text, "t").unwrap_or_default();
        assert_eq!(
            tables.first().map(ToString::to_string).as_deref(),
            Some("table Fw_CL sentinel\nTimeGenerated:datetime\n")
        );
        let Some(network) = builtin("DeviceNetworkEvents") else {
            panic!("DeviceNetworkEvents is missing");
        };
        let printed = network.to_string();
        assert!(
            printed.starts_with("table DeviceNetworkEvents\n"),
            "{printed}"
        );
        assert!(printed.contains("\nTimestamp:datetime:xdr\n"), "{printed}");
        assert!(
            printed.contains("\nAdditionalFields:string::dynamic\n"),
            "{printed}"
        );
    }

    #[test]
    fn catalog_prefers_user_tables() {
        let user = parse_schema_file("table SigninLogs\nOnly:string\ntable My_CL\nA:long\n", "u")
            .unwrap_or_default();
        let catalog = SchemaCatalog::new(user);
        assert_eq!(
            catalog.table("SigninLogs").map(|table| table.columns.len()),
            Some(1)
        );
        assert!(catalog.table("My_CL").is_some());
        assert!(catalog.table("DeviceEvents").is_some());
        let names: Vec<&str> = catalog
            .tables()
            .into_iter()
            .map(|table| table.name.as_str())
            .collect();
        assert_eq!(names.len(), builtin_names().count() + 1);
        assert_eq!(
            names.iter().filter(|name| **name == "SigninLogs").count(),
            1
        );
    }

    #[test]
    fn schema_file_rejects_bad_availability_and_shape() {
        let availability = parse_error("table T\nA:string:azure\n");
        assert!(
            availability.contains("unknown availability `azure`"),
            "{availability}"
        );

        let table_availability = parse_error("table T everywhere\nA:string\n");
        assert!(
            table_availability.starts_with("my.schema:1: "),
            "{table_availability}"
        );

        let shape = parse_error("table T\nA:string:xdr:dynamic:extra\n");
        assert!(shape.contains("invalid column line"), "{shape}");

        let name = parse_error("table T\nMy Column:string\n");
        assert!(name.contains("invalid column name"), "{name}");

        let nameless = parse_error("table\n");
        assert!(nameless.contains("`table` needs a name"), "{nameless}");
    }
}

/// Reads and parses a user's schema file (see [`parse_schema_file`]).
pub fn load_schema_file(path: &std::path::Path) -> Result<Vec<TableSchema>, Error> {
    let origin = path.display().to_string();
    if path.is_dir() {
        return Err(Error::usage(format!(
            "{origin} is a directory, not a schema file"
        )));
    }
    let bytes = std::fs::read(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => Error::usage(format!("schema file not found: {origin}")),
        _ => Error::usage(format!("failed to read schema file {origin}: {error}")),
    })?;
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = error.as_bytes().get(..error.utf8_error().valid_up_to());
        let line = 1 + valid
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Error::data(format!(
            "{origin}:{line}: invalid UTF-8; save the schema file as UTF-8"
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    parse_schema_file(text, &origin)
}

/// Formats a table in the schema-file format, so that the output of `kql schema` can be
/// saved and edited as a `--schema` file.
impl fmt::Display for TableSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let availabilities: HashSet<Availability> = self
            .columns
            .iter()
            .map(|column| column.availability)
            .collect();
        let table_availability = match availabilities.len() {
            1 => availabilities
                .into_iter()
                .next()
                .unwrap_or(Availability::XdrAndSentinel),
            _ => Availability::XdrAndSentinel,
        };
        if table_availability == Availability::XdrAndSentinel {
            writeln!(f, "table {}", self.name)?;
        } else {
            writeln!(f, "table {} {table_availability}", self.name)?;
        }
        for column in &self.columns {
            write!(f, "{}:{}", column.name, column.ty)?;
            let availability = if column.availability == table_availability {
                ""
            } else {
                column.availability.name()
            };
            match column.sentinel_ty {
                Some(sentinel_ty) => write!(f, ":{availability}:{sentinel_ty}")?,
                None if !availability.is_empty() => write!(f, ":{availability}")?,
                None => {}
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// The tables a query can use without data: a user's `--schema` tables, then the
/// built-in catalog. A user table replaces a built-in table of the same name.
#[derive(Debug, Clone, Default)]
pub struct SchemaCatalog {
    user: Vec<TableSchema>,
    view: SchemaView,
}

impl SchemaCatalog {
    /// Returns a catalog that binds with [`SchemaView::Union`].
    pub fn new(user: Vec<TableSchema>) -> SchemaCatalog {
        SchemaCatalog {
            user,
            view: SchemaView::Union,
        }
    }

    /// Returns the same tables seen through `view`. With one product's view, a table
    /// that the product lacks is not found.
    pub fn with_view(&self, view: SchemaView) -> SchemaCatalog {
        SchemaCatalog {
            user: self.user.clone(),
            view,
        }
    }

    /// Returns the table with this name if the catalog's view includes it.
    fn visible_table(&self, name: &str) -> Option<&TableSchema> {
        let table = self.table(name)?;
        match self.view {
            SchemaView::Product(product) if !table.in_product(product) => None,
            _ => Some(table),
        }
    }

    /// Returns the table with this exact (case-sensitive) name.
    pub fn table(&self, name: &str) -> Option<&TableSchema> {
        self.user
            .iter()
            .find(|table| table.name == name)
            .or_else(|| builtin(name))
    }

    /// Returns every table, sorted by name.
    pub fn tables(&self) -> Vec<&TableSchema> {
        let mut tables: Vec<&TableSchema> = self.user.iter().collect();
        let builtins = catalog().tables.iter();
        tables
            .extend(builtins.filter(|table| !self.user.iter().any(|user| user.name == table.name)));
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        tables
    }
}

impl crate::binder::SchemaSource for SchemaCatalog {
    fn schema(&self, name: &str) -> Option<Schema> {
        self.visible_table(name)
            .map(|table| table.to_view_schema(self.view))
    }

    fn table_names(&self) -> Vec<String> {
        self.tables()
            .into_iter()
            .filter(|table| self.visible_table(&table.name).is_some())
            .map(|table| table.name.clone())
            .collect()
    }

    fn product(&self) -> Option<Product> {
        match self.view {
            SchemaView::Product(product) => Some(product),
            _ => None,
        }
    }

    fn product_lacking(&self, name: &str) -> Option<Product> {
        let table = self.table(name)?;
        match self.view {
            SchemaView::Product(product) if !table.in_product(product) => Some(product),
            _ => None,
        }
    }
}

/// The built-in table schemas as a [`SchemaSource`](crate::binder::SchemaSource), for
/// checking queries without data.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinSchemas;

impl BuiltinSchemas {
    pub fn new() -> BuiltinSchemas {
        BuiltinSchemas
    }
}

impl crate::binder::SchemaSource for BuiltinSchemas {
    fn schema(&self, name: &str) -> Option<Schema> {
        builtin(name).map(TableSchema::to_schema)
    }

    fn table_names(&self) -> Vec<String> {
        builtin_names().map(str::to_string).collect()
    }
}
