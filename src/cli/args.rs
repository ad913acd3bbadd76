//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use kql::output::Format;
use kql::schema::Product;

/// Run Kusto Query Language (KQL) queries offline against local JSON and CSV exports.
///
/// Without a command on a terminal, starts the interactive shell (`kql repl`).
#[derive(Debug, Parser)]
#[command(name = "kql", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Log debug messages to standard error.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a query and print its result.
    Run(RunArgs),
    /// Parse and type-check queries against the built-in table schemas, without data.
    Check(CheckArgs),
    /// Run the regression tests of detection rules (*.test.toml files).
    Test(super::test::TestArgs),
    /// Start the interactive shell: write queries with completion, keep `let`s, explore tables.
    Repl(ReplArgs),
    /// Print the schema the engine uses for a table, or for every known table, in the
    /// --schema file format.
    Schema(SchemaArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Query file to run; `-` reads the query from standard input.
    pub file: Option<PathBuf>,

    /// Query text to run instead of a file.
    #[arg(long, short)]
    pub query: Option<String>,

    /// Load every .json, .jsonl, .ndjson and .csv file (optionally .gz) in DIR as a table
    /// named after the file. Repeatable.
    #[arg(long, value_name = "DIR")]
    pub data: Vec<PathBuf>,

    /// Load one table: NAME=PATH, or NAME=- for standard input (JSON lines). Repeatable.
    #[arg(long, value_name = "NAME=PATH")]
    pub table: Vec<String>,

    /// Output format: table, json, ndjson or csv. Default: table on a terminal, json otherwise.
    #[arg(long, value_parser = parse_format)]
    pub format: Option<Format>,

    /// Pin the clock that now() and ago() read, e.g. 2025-08-30T00:00:00Z.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,

    /// MaxMind-format GeoIP database (GeoLite2-City or GeoIP2-City .mmdb) for
    /// geo_info_from_ip_address; default: the embedded DB-IP country database.
    #[arg(long, env = "KQL_GEOIP_DB", value_name = "PATH")]
    pub geoip_db: Option<PathBuf>,

    /// Fail on a value that does not fit its column's type instead of storing null.
    #[arg(long)]
    pub strict: bool,

    /// Table schemas for custom tables, in the format `kql schema` prints; they replace
    /// built-in tables of the same name. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub schema: Vec<PathBuf>,

    /// Stop with an error when the result or any table an operator produces has more than
    /// N rows. Loaded tables and datatable literals do not count. Default: no limit.
    #[arg(long, value_name = "N")]
    pub max_rows: Option<usize>,

    /// Give catalog columns that Defender XDR and Sentinel type differently the types of
    /// one product: xdr or sentinel. Use sentinel for Log Analytics exports of tables that
    /// Defender XDR has too, where `AdditionalFields` is dynamic. Default: the XDR type,
    /// unless the file's values are JSON objects.
    #[arg(long, value_name = "PRODUCT", value_parser = parse_product)]
    pub product: Option<Product>,

    /// Run only the Nth query (from 1) of a query file or batch that contains several
    /// queries, separated by blank lines or `;`. Default: run each in turn (table format
    /// only).
    #[arg(long, value_name = "N")]
    pub block: Option<usize>,

    #[command(flatten)]
    pub definitions: DefinitionArgs,
}

/// Definitions that stand in for what exists only in the cloud.
#[derive(Debug, Args)]
pub struct DefinitionArgs {
    /// File of `let` statements bound before the query, such as local definitions of
    /// SeenBy or ASIM parsers.
    #[arg(long, value_name = "FILE")]
    pub prelude: Option<PathBuf>,

    /// Read the externaldata URL from a local file: URL=PATH. Repeatable.
    #[arg(long, value_name = "URL=PATH")]
    pub externaldata: Vec<String>,

    #[command(flatten)]
    pub watchlists: WatchlistArgs,
}

/// Local CSV files for Microsoft Sentinel's `_GetWatchlist(alias)`.
#[derive(Debug, Default, Args)]
pub struct WatchlistArgs {
    /// Load the Sentinel watchlist that _GetWatchlist('ALIAS') returns from a CSV file
    /// with a header row: ALIAS=PATH. Repeatable.
    #[arg(long, value_name = "ALIAS=PATH")]
    pub watchlist: Vec<String>,

    /// The watchlist's SearchKey column: ALIAS=COLUMN. Needed when the file has more than
    /// one column. Repeatable.
    #[arg(long, value_name = "ALIAS=COLUMN")]
    pub watchlist_key: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Query files to check; `-` reads a query from standard input.
    #[arg(required_unless_present = "query")]
    pub files: Vec<PathBuf>,

    /// Query text to check, before any files.
    #[arg(long, short)]
    pub query: Option<String>,

    /// Print nothing for queries that pass.
    #[arg(long)]
    pub quiet: bool,

    /// Table schemas for custom tables, as for `kql run --schema`. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub schema: Vec<PathBuf>,

    /// Check against one product's tables and column types: xdr (Defender XDR advanced
    /// hunting) or sentinel (Microsoft Sentinel, Log Analytics). Default: accept a query
    /// that is valid in either product.
    #[arg(long, value_name = "PRODUCT", value_parser = parse_product)]
    pub product: Option<Product>,

    #[command(flatten)]
    pub definitions: DefinitionArgs,
}

#[derive(Debug, Default, Args)]
pub struct ReplArgs {
    /// Load every .json, .jsonl, .ndjson and .csv file (optionally .gz) in DIR as a table
    /// named after the file. Repeatable.
    #[arg(long, value_name = "DIR")]
    pub data: Vec<PathBuf>,

    /// Load one table from a file: NAME=PATH. Repeatable.
    #[arg(long, value_name = "NAME=PATH")]
    pub table: Vec<String>,

    /// Pin the clock that now() and ago() read, e.g. 2025-08-30T00:00:00Z.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,

    /// MaxMind-format GeoIP database (GeoLite2-City or GeoIP2-City .mmdb) for
    /// geo_info_from_ip_address; default: the embedded DB-IP country database.
    #[arg(long, env = "KQL_GEOIP_DB", value_name = "PATH")]
    pub geoip_db: Option<PathBuf>,

    /// Fail on a value that does not fit its column's type instead of storing null.
    #[arg(long)]
    pub strict: bool,

    /// Give catalog columns the types of one product, as for `kql run --product`.
    #[arg(long, value_name = "PRODUCT", value_parser = parse_product)]
    pub product: Option<Product>,

    #[command(flatten)]
    pub watchlists: WatchlistArgs,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The table to print; all tables when omitted.
    pub table: Option<String>,

    /// Table schemas for custom tables, printed along with the built-in ones. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub schema: Vec<PathBuf>,
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name)
        .ok_or_else(|| format!("unknown format `{name}`; use table, json, ndjson or csv"))
}

fn parse_product(name: &str) -> Result<Product, String> {
    match name {
        "xdr" => Ok(Product::Xdr),
        "sentinel" => Ok(Product::Sentinel),
        _ => Err(format!("unknown product `{name}`; use xdr or sentinel")),
    }
}
