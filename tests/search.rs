//! `search` and `evaluate ipv4_lookup`. Expected values come from the examples on the KQL
//! reference pages cited per test.

use kql::engine::Session;
use kql::error::ErrorKind;
use kql::schema::BuiltinSchemas;
use kql::table::Table;

use crate::support::{column_text, names, run, run_error};

/// Builds a session with two small tables shaped like the ContosoSales tables of the
/// search operator page.
fn sales_session() -> Session {
    let mut session = Session::new();
    let customers = session
        .run(
            "datatable(FirstName:string, LastName:string, CustomerKey:long, DateKey:datetime)[\
             'Mason', 'Green', 16549, datetime(2010-01-01),\
             'Aaron', 'Sharma', 802, datetime(2008-01-01),\
             'Riley', 'Hughes', 18285, datetime(2010-01-01),\
             'Aaron', 'Campbell', 10152, datetime(2010-01-01)]",
        )
        .expect("customers table");
    let products = session
        .run(
            "datatable(ProductName:string, ColorName:string, ClassName:string)[\
             'Contoso 8GB Clock & Radio MP3 Player X850 Green', 'Green', 'Deluxe',\
             'Proseware Duplex Scanner M200 Green', 'Green', 'Regular',\
             'Litware 120mm Blue LED Case Fan E901 blue', 'blue', 'Economy',\
             'Contoso Bright Light battery E20 Blue', 'Blue', 'Economy']",
        )
        .expect("products table");
    session.add_table("Customers", customers, "test");
    session.add_table("Products", products, "test");
    session
}

fn search(query: &str) -> Table {
    sales_session()
        .run(query)
        .unwrap_or_else(|error| panic!("query failed:\n{}", error.render(query, "test")))
}

fn search_error(query: &str) -> kql::error::Error {
    match sales_session().run(query) {
        Ok(table) => panic!("query should fail but returned {} rows", table.row_count),
        Err(error) => error,
    }
}

// --- search ---------------------------------------------------------------------------

// learn.microsoft.com/kusto/query/search-operator, "Global term search": every table of
// the database, `$table` first, then the union of the columns.
#[test]
fn search_every_table_for_term() {
    let table = search("search \"Green\"");
    assert_eq!(
        names(&table),
        [
            "$table",
            "FirstName",
            "LastName",
            "CustomerKey",
            "DateKey",
            "ProductName",
            "ColorName",
            "ClassName"
        ]
    );
    assert_eq!(
        column_text(&table, "$table"),
        ["Customers", "Products", "Products"]
    );
    assert_eq!(column_text(&table, "LastName"), ["Green", "", ""]);
}

// learn.microsoft.com/kusto/query/search-operator, "Conditional global term search":
// `"Green" and ("Deluxe" or "Proseware")`.
#[test]
fn search_terms_with_and_or() {
    let table = search("search \"Green\" and (\"Deluxe\" or \"Proseware\")");
    assert_eq!(
        column_text(&table, "ProductName"),
        [
            "Contoso 8GB Clock & Radio MP3 Player X850 Green",
            "Proseware Duplex Scanner M200 Green"
        ]
    );
}

// learn.microsoft.com/kusto/query/search-operator, "Search a specific table".
#[test]
fn search_in_one_table() {
    let table = search("search in (Products) \"Green\"");
    assert_eq!(
        names(&table),
        ["$table", "ProductName", "ColorName", "ClassName"]
    );
    assert_eq!(column_text(&table, "$table"), ["Products", "Products"]);
}

// learn.microsoft.com/kusto/query/search-operator, "Case-sensitive search": `blue`
// matches `blue` but not `Blue`; the default kind matches both.
#[test]
fn search_case_sensitive_kind() {
    let sensitive = search("search kind=case_sensitive in (Products) \"blue\"");
    assert_eq!(
        column_text(&sensitive, "ProductName"),
        ["Litware 120mm Blue LED Case Fan E901 blue"]
    );
    let insensitive = search("search in (Products) \"blue\"");
    assert_eq!(insensitive.row_count, 2);
}

// learn.microsoft.com/kusto/query/search-operator, "Search specific columns":
// `FirstName:"Aaron" or LastName:"Hughes"`.
#[test]
fn search_column_terms() {
    let table = search("search FirstName:\"Aaron\" or LastName:\"Hughes\"");
    assert_eq!(
        column_text(&table, "CustomerKey"),
        ["802", "18285", "10152"]
    );
    assert_eq!(
        column_text(&table, "$table"),
        ["Customers", "Customers", "Customers"]
    );
}

// learn.microsoft.com/kusto/query/search-operator, "Limit search by timestamp": a term
// and a comparison on a column.
#[test]
fn search_term_and_comparison() {
    let table = search("search \"Hughes\" and DateKey > datetime('2009-01-01')");
    assert_eq!(column_text(&table, "CustomerKey"), ["18285"]);
}

// learn.microsoft.com/kusto/query/search-operator, "Search predicate syntax examples" 5
// to 7: `err*` is hasprefix, `*err` hassuffix and `*err*` contains.
#[test]
fn search_term_wildcards() {
    let prefix = search("search in (Products) \"Prose*\"");
    assert_eq!(prefix.row_count, 1);
    let not_prefix = search("search in (Products) \"roseware*\"");
    assert_eq!(not_prefix.row_count, 0);
    let suffix = search("search in (Customers) \"*ghes\"");
    assert_eq!(column_text(&suffix, "LastName"), ["Hughes"]);
    let contains = search("search in (Customers) \"*ampb*\"");
    assert_eq!(column_text(&contains, "LastName"), ["Campbell"]);
    let has = search("search in (Customers) \"ampb\"");
    assert_eq!(has.row_count, 0);
}

// learn.microsoft.com/kusto/query/search-operator, syntax examples 4 and 9: `col=="err"`
// is an exact match, and `search *` keeps every row.
#[test]
fn search_star_and_exact_match() {
    let every = search("search in (Customers, Products) *");
    assert_eq!(every.row_count, 8);
    let exact = search("search in (Products) ColorName == \"Blue\"");
    assert_eq!(
        column_text(&exact, "ProductName"),
        ["Contoso Bright Light battery E20 Blue"]
    );
}

// learn.microsoft.com/kusto/query/search-operator, syntax example 12 writes `* has "x"`
// for a term; non-string columns are searched as tostring() renders them.
#[test]
fn search_star_has_and_numbers() {
    let star = search("search in (Customers) * has \"sharma\"");
    assert_eq!(column_text(&star, "CustomerKey"), ["802"]);
    let number = search("search in (Customers) \"18285\"");
    assert_eq!(column_text(&number, "LastName"), ["Hughes"]);
}

// learn.microsoft.com/kusto/query/search-operator: with a piped table the output still
// starts with `$table`, whose value is the table name.
#[test]
fn search_piped_table() {
    let table = search("Customers | search \"aaron\" | project-away DateKey");
    assert_eq!(
        names(&table),
        ["$table", "FirstName", "LastName", "CustomerKey"]
    );
    assert_eq!(column_text(&table, "$table"), ["Customers", "Customers"]);
}

#[test]
fn search_after_operators_unsupported() {
    let error = search_error("Customers | where CustomerKey > 0 | search \"aaron\"");
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

#[test]
fn search_of_let_table_unsupported() {
    let error = search_error("let T = Customers | take 1; search in (T) \"aaron\"");
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

#[test]
fn search_inner_wildcard_unsupported() {
    let error = search_error("search in (Products) \"Lab*PC\"");
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

#[test]
fn search_case_sensitive_rejects_has() {
    let error = search_error("search kind=case_sensitive in (Products) ColorName has \"blue\"");
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

#[test]
fn search_in_after_pipe_is_syntax_error() {
    let error = search_error("Customers | search in (Products) \"x\"");
    assert_eq!(error.kind, ErrorKind::Syntax);
}

#[test]
fn search_unknown_column_term() {
    let error = search_error("search in (Products) Colour:\"blue\"");
    assert_eq!(error.kind, ErrorKind::UnknownName);
}

// `kql check` takes its catalog as the database, as it does for `union *`, so `search`
// without `in (…)` reads every catalog table. Its result has the `$table` column
// (learn.microsoft.com/kusto/query/search-operator).
#[test]
fn check_search_every_catalog_table() {
    let bound = kql::engine::check("search \"x\"", &BuiltinSchemas::new())
        .expect("search without in (…) binds over the catalog");
    let names: Vec<&str> = bound.plan.schema.names().collect();
    assert_eq!(names.first(), Some(&"$table"), "{names:?}");
    assert!(names.contains(&"DeviceName"), "{names:?}");
    let named = kql::engine::check(
        "search in (DeviceNetworkEvents) \"tcp\" and \"connectionsuccess\" and \"public\"",
        &BuiltinSchemas::new(),
    );
    assert!(named.is_ok(), "search in (…) should bind: {named:?}");
}

// --- ipv4_lookup ----------------------------------------------------------------------

const IP_DATA: &str = "let IP_Data = datatable(network:string, continent_code:string, \
    continent_name:string, country_iso_code:string, country_name:string)[\n\
    '111.68.128.0/17','AS','Asia','JP','Japan',\n\
    '5.8.0.0/19','EU','Europe','RU','Russia',\n\
    '223.255.254.0/24','AS','Asia','SG','Singapore',\n\
    '46.36.200.51/32','OC','Oceania','CK','Cook Islands',\n\
    '2.20.183.0/24','EU','Europe','GB','United Kingdom'];\n\
    let IPs = datatable(ip:string)['2.20.183.12', '5.8.1.2', '192.165.12.17'];\n";

// learn.microsoft.com/kusto/query/ipv4-lookup-plugin, "IPv4 lookup - matching rows only".
#[test]
fn ipv4_lookup_matching_rows() {
    let table = run(&format!(
        "{IP_DATA}IPs | evaluate ipv4_lookup(IP_Data, ip, network)"
    ));
    assert_eq!(
        names(&table),
        [
            "ip",
            "network",
            "continent_code",
            "continent_name",
            "country_iso_code",
            "country_name"
        ]
    );
    assert_eq!(column_text(&table, "ip"), ["2.20.183.12", "5.8.1.2"]);
    assert_eq!(
        column_text(&table, "network"),
        ["2.20.183.0/24", "5.8.0.0/19"]
    );
    assert_eq!(
        column_text(&table, "country_name"),
        ["United Kingdom", "Russia"]
    );
}

// learn.microsoft.com/kusto/query/ipv4-lookup-plugin, "IPv4 lookup - return both matching
// and non-matching rows".
#[test]
fn ipv4_lookup_return_unmatched() {
    let table = run(&format!(
        "{IP_DATA}IPs | evaluate ipv4_lookup(IP_Data, ip, network, return_unmatched = true)"
    ));
    assert_eq!(
        column_text(&table, "ip"),
        ["2.20.183.12", "5.8.1.2", "192.165.12.17"]
    );
    assert_eq!(column_text(&table, "country_iso_code"), ["GB", "RU", ""]);
}

// learn.microsoft.com/kusto/query/ipv4-lookup-plugin, "IPv4 lookup - using extra columns
// for matching": the extra keys appear once, among the input columns.
#[test]
fn ipv4_lookup_extra_keys() {
    let table = run(&format!(
        "{IP_DATA}datatable(ip:string, continent_name:string, country_iso_code:string)[\
         '2.20.183.12', 'Europe', 'GB', '5.8.1.2', 'Europe', 'RU', '5.8.1.3', 'Europe', '']\n\
         | evaluate ipv4_lookup(IP_Data, ip, network, continent_name, country_iso_code)"
    ));
    assert_eq!(
        names(&table),
        [
            "ip",
            "continent_name",
            "country_iso_code",
            "network",
            "continent_code",
            "country_name"
        ]
    );
    assert_eq!(column_text(&table, "ip"), ["2.20.183.12", "5.8.1.2"]);
    assert_eq!(column_text(&table, "continent_code"), ["EU", "EU"]);
}

// A lookup column named like an input column gets a number, as Kusto's language service
// names it.
#[test]
fn ipv4_lookup_renames_clashing_column() {
    let table = run(
        "datatable(ip:string, name:string)['10.1.2.3', 'host']\n\
         | evaluate ipv4_lookup(datatable(net:string, name:string)['10.1.0.0/16', 'lab'], ip, net)",
    );
    assert_eq!(names(&table), ["ip", "name", "net", "name1"]);
    assert_eq!(column_text(&table, "name1"), ["lab"]);
}

#[test]
fn ipv4_lookup_overlapping_ranges_unsupported() {
    let error = run_error(
        "datatable(ip:string)['10.1.2.3']\n\
         | evaluate ipv4_lookup(datatable(net:string)['10.0.0.0/8', '10.1.0.0/16'], ip, net)",
    );
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

#[test]
fn ipv4_lookup_non_string_key_rejected() {
    let error = run_error(
        "datatable(ip:long)[1]\n\
         | evaluate ipv4_lookup(datatable(net:string)['10.0.0.0/8'], ip, net)",
    );
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// Addresses that are not IPv4 never match, and an address on a range's boundary does.
#[test]
fn ipv4_lookup_invalid_and_boundary_values() {
    let table = run(
        "datatable(ip:string)['10.1.255.255', 'not an ip', '', '10.2.0.0']\n\
         | evaluate ipv4_lookup(datatable(net:string)['10.1.0.0/16', 'fe80::/10'], ip, net, true)",
    );
    assert_eq!(column_text(&table, "net"), ["10.1.0.0/16", "", "", ""]);
}

#[test]
fn search_empty_term_is_error() {
    let error = search_error("Customers | search \"\"");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
    assert!(error.message.contains("empty"), "{}", error.message);
}
