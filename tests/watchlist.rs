//! `_GetWatchlist('alias')` over local CSV files, run the way a user runs it.
//!
//! The expected values follow learn.microsoft.com/azure/sentinel/watchlists-queries: the
//! watchlist is a table to join or look up on its `SearchKey` column, the CSV columns are
//! extracted into their own columns, and SearchKey is a column of its own. The column
//! order and types follow `evaluate bag_unpack` over the item bags
//! (learn.microsoft.com/kusto/query/bag-unpack-plugin): sorted by name, and `string`
//! because every item property is the text of a CSV cell.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::kql_command;

/// A watchlist of servers whose SearchKey is the `IP Address` column.
const SERVERS: &str = "\
Name,IP Address,Tier
web01,10.0.0.1,1
db01,10.0.0.2,2
";

/// Events with a remote address, some of them on the watchlist.
const EVENTS: &str = "datatable(RemoteIP:string, Port:long)\
    ['10.0.0.2', 1433, '10.0.0.9', 22, '10.0.0.1', 443]";

/// Writes `text` to `rule.kql` in `dir` and returns its path.
fn write_query(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("rule.kql");
    fs::write(&path, text).expect("write query");
    path
}

fn write_servers(dir: &Path) -> String {
    let path = dir.join("servers.csv");
    fs::write(&path, SERVERS).expect("write watchlist");
    path.display().to_string()
}

/// Runs `query` with the servers watchlist and returns the CSV output.
fn run_with_servers(query: &str) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = write_servers(dir.path());
    let output = kql_command()
        .args(["run", "-q", query, "--format", "csv"])
        .args(["--watchlist", &format!("servers={file}")])
        .args(["--watchlist-key", "servers=IP Address"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "kql failed: {stderr}");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

// learn.microsoft.com/azure/sentinel/watchlists-queries: `lookup kind=leftouter
// _GetWatchlist('…') on $left.X == $right.SearchKey`.
#[test]
fn lookup_on_search_key() {
    let stdout = run_with_servers(&format!(
        "{EVENTS} | lookup kind=leftouter _GetWatchlist('servers') \
         on $left.RemoteIP == $right.SearchKey | project RemoteIP, Port, Name, Tier"
    ));
    assert_eq!(
        stdout,
        "RemoteIP,Port,Name,Tier\n10.0.0.2,1433,db01,2\n10.0.0.9,22,,\n10.0.0.1,443,web01,1\n"
    );
}

// learn.microsoft.com/azure/sentinel/watchlists-queries: join on SearchKey.
#[test]
fn inner_join_on_search_key() {
    let stdout = run_with_servers(&format!(
        "{EVENTS} | join kind=inner (_GetWatchlist('servers')) \
         on $left.RemoteIP == $right.SearchKey | project Name, Port | sort by Port asc"
    ));
    assert_eq!(stdout, "Name,Port\nweb01,443\ndb01,1433\n");
}

// learn.microsoft.com/kusto/query/in-operator: the right side may be a tabular
// expression whose first column supplies the values.
#[test]
fn in_subquery_of_search_keys() {
    let stdout = run_with_servers(&format!(
        "{EVENTS} | where RemoteIP in (_GetWatchlist('servers') | project SearchKey) \
         | project Port"
    ));
    assert_eq!(stdout, "Port\n1433\n443\n");
    let stdout = run_with_servers(&format!(
        "{EVENTS} | where RemoteIP !in (_GetWatchlist('servers') | project SearchKey) \
         | project Port"
    ));
    assert_eq!(stdout, "Port\n22\n");
}

// The columns: the fixed ones, then the CSV columns sorted by name, all `string`.
#[test]
fn result_columns_and_types() {
    let stdout =
        run_with_servers("_GetWatchlist('servers') | getschema | project ColumnName, ColumnType");
    assert_eq!(
        stdout,
        "ColumnName,ColumnType\n_DTItemId,string\nLastUpdatedTimeUTC,datetime\n\
         SearchKey,string\nWatchlistItem,dynamic\nIP Address,string\nName,string\n\
         Tier,string\n"
    );
    let stdout = run_with_servers(
        "_GetWatchlist('servers') | where Name == 'db01' \
         | project SearchKey, Item = tostring(WatchlistItem.Name)",
    );
    assert_eq!(stdout, "SearchKey,Item\n10.0.0.2,db01\n");
}

#[test]
fn check_without_file_accepts_columns() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let query = write_query(
        dir.path(),
        "SigninLogs | where IPAddress in (_GetWatchlist('servers') | project SearchKey)\n\
         | lookup kind=inner (_GetWatchlist('servers') | project SearchKey, Owner) \
         on $left.IPAddress == $right.SearchKey | project UserPrincipalName, Owner\n",
    );
    kql_command()
        .args(["check", "--quiet"])
        .arg(&query)
        .assert()
        .success()
        .stderr("");
}

#[test]
fn check_warns_near_fixed_column() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let query = write_query(dir.path(), "_GetWatchlist('servers') | project Searchkey\n");
    kql_command()
        .args(["check", "--quiet"])
        .arg(&query)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "`Searchkey` is taken to be a column that the CSV file of watchlist `servers` \
             provides; did you mean the column `SearchKey`?",
        ));
}

#[test]
fn check_with_file_rejects_typo() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = write_servers(dir.path());
    let query = write_query(
        dir.path(),
        "_GetWatchlist('servers') | project SearchKey, Nmae\n",
    );
    kql_command()
        .args(["check"])
        .arg(&query)
        .args(["--watchlist", &format!("servers={file}")])
        .args(["--watchlist-key", "servers=IP Address"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`Nmae` does not refer"))
        .stderr(predicate::str::contains("did you mean `Name`?"));
}

#[test]
fn run_without_file_names_option() {
    kql_command()
        .args(["run", "-q", "_GetWatchlist('servers') | project SearchKey"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "watchlist `servers` is not loaded",
        ))
        .stderr(predicate::str::contains("--watchlist servers=FILE.csv"));
}

#[test]
fn alias_must_be_constant() {
    kql_command()
        .args([
            "run",
            "-q",
            "datatable(a:string)['servers'] | where a in (_GetWatchlist(a) | project SearchKey)",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the alias of `_GetWatchlist` must be a constant string",
        ));
    // A `let` bound to a string literal is a constant.
    let stdout = run_with_servers("let alias = 'servers'; _GetWatchlist(alias) | count");
    assert_eq!(stdout, "Count\n2\n");
}

#[test]
fn bad_csv_names_file_and_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("servers.csv");
    fs::write(&file, "Name,IP Address\nweb01,10.0.0.1\ndb01\n").expect("write watchlist");
    kql_command()
        .args(["run", "-q", "_GetWatchlist('servers')"])
        .args(["--watchlist", &format!("servers={}", file.display())])
        .args(["--watchlist-key", "servers=Name"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}:3: row has 1 fields but the header has 2",
            file.display()
        )));
}

#[test]
fn several_columns_need_key_option() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = write_servers(dir.path());
    kql_command()
        .args(["run", "-q", "_GetWatchlist('servers')"])
        .args(["--watchlist", &format!("servers={file}")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SearchKey column must be named"))
        .stderr(predicate::str::contains("--watchlist-key servers=COLUMN"));
}

#[test]
fn data_folder_supplies_watchlists() {
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::create_dir(dir.path().join("watchlists")).expect("create folder");
    fs::write(
        dir.path().join("watchlists").join("blocked-ips.csv"),
        "Address\n10.0.0.9\n",
    )
    .expect("write watchlist");
    kql_command()
        .args(["run", "-q"])
        .arg(format!(
            "{EVENTS} | where RemoteIP in (_GetWatchlist('blocked-ips') | project SearchKey) \
             | project Port"
        ))
        .args(["--format", "csv", "--data"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("Port\n22\n");
}

#[test]
fn rule_test_reads_watchlists() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_servers(dir.path());
    fs::write(
        dir.path().join("rule.kql"),
        "Connections | lookup kind=inner _GetWatchlist('servers') \
         on $left.RemoteIP == $right.SearchKey | project RemoteIP, Name\n",
    )
    .expect("write rule");
    fs::write(
        dir.path().join("rule.test.toml"),
        r#"
rule = "rule.kql"

[tables.Connections]
columns = { RemoteIP = "string" }
rows = [{ RemoteIP = "10.0.0.1" }, { RemoteIP = "10.0.0.7" }]

[watchlists]
servers = { file = "servers.csv", key = "IP Address" }

[[case]]
name = "watchlisted server is reported"
expect.rows = [{ RemoteIP = "10.0.0.1", Name = "web01" }]
"#,
    )
    .expect("write test");
    kql_command()
        .current_dir(dir.path())
        .args(["test", "rule.test.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 passed"));
}

#[test]
fn repl_reads_watchlist() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = write_servers(dir.path());
    kql_command()
        .args(["repl", "--watchlist", &format!("servers={file}")])
        .args(["--watchlist-key", "servers=IP Address"])
        .write_stdin("_GetWatchlist('servers') | where Tier == '2' | project Name\n.quit\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("db01"))
        .stdout(predicate::str::contains("web01").not());
}

// The Learn pages document the alias as the only argument.
#[test]
fn extra_argument_unsupported() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let query = write_query(
        dir.path(),
        "_GetWatchlist('servers', dynamic(['10.0.0.1']))\n",
    );
    kql_command()
        .arg("check")
        .arg(&query)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`_GetWatchlist` with arguments after the alias is not supported yet",
        ));
}

/// Makes a `--data` folder whose `watchlists/` contains `files` (name, text), and returns it.
fn data_folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let folder = dir.path().join("watchlists");
    fs::create_dir(&folder).expect("create folder");
    for (name, text) in files {
        fs::write(folder.join(name), text).expect("write watchlist");
    }
    dir
}

/// Runs `print 1`, which reads no watchlist, on the `--data` folder `dir`.
fn print_on_folder(dir: &Path) -> assert_cmd::Command {
    let mut command = kql_command();
    command.args(["run", "-q", "print 1", "--data"]).arg(dir);
    command
}

// A watchlist without a SearchKey breaks only the queries that read it.
#[test]
fn missing_key_fails_only_its_call() {
    let dir = data_folder(&[("VIP.csv", SERVERS)]);
    kql_command()
        .args(["run", "-q", "print x = 1", "--format", "csv", "--data"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("x\n1\n");
    kql_command()
        .args(["run", "-q", "_GetWatchlist('VIP') | count", "--data"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SearchKey column must be named"))
        .stderr(predicate::str::contains("--watchlist-key VIP=COLUMN"))
        .stderr(predicate::str::contains("under [watchlists]"))
        .stderr(predicate::str::contains("1 | _GetWatchlist('VIP') | count"));

    let file = dir.path().join("watchlists").join("VIP.csv");
    let query = write_query(dir.path(), "print x = 1\n");
    kql_command()
        .args(["check", "--quiet"])
        .arg(&query)
        .args(["--watchlist", &format!("VIP={}", file.display())])
        .assert()
        .success();
    let query = write_query(dir.path(), "_GetWatchlist('VIP') | project SearchKey\n");
    kql_command()
        .args(["check", "--quiet"])
        .arg(&query)
        .args(["--watchlist", &format!("VIP={}", file.display())])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--watchlist-key VIP=COLUMN"));

    kql_command()
        .arg("repl")
        .arg("--data")
        .arg(dir.path())
        .write_stdin("print x = 40 + 2\n_GetWatchlist('VIP') | count\n.quit\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("42"))
        .stdout(predicate::str::contains(
            "name the SearchKey column with .watchlist-key VIP COLUMN",
        ))
        .stdout(predicate::str::contains("--watchlist-key").not());
}

/// Runs `kql repl` with `arguments` on the piped `input`, checks that it exits with
/// status 0, and returns its standard output.
fn repl_stdout(arguments: &[&std::ffi::OsStr], input: &str) -> String {
    let output = kql_command()
        .arg("repl")
        .args(arguments)
        .write_stdin(input)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(output.status.success(), "{stdout}");
    stdout
}

// The shell names a SearchKey with `.watchlist-key`, which reloads the watchlist.
#[test]
fn repl_dot_command_names_key() {
    let dir = data_folder(&[("VIP.csv", SERVERS)]);
    let input = format!(
        ".load {}\n_GetWatchlist('VIP') | count\n.watchlist-key VIP Nmae\n\
         .watchlist-key VIP Name\n_GetWatchlist('VIP') | project SearchKey, Tier\n.quit\n",
        dir.path().display()
    );
    let stdout = repl_stdout(&[], &input);
    assert!(
        stdout.contains("name the SearchKey column with .watchlist-key VIP COLUMN"),
        "{stdout}"
    );
    assert!(
        stdout.contains("no column `Nmae` for its SearchKey"),
        "{stdout}"
    );
    assert!(
        stdout.contains("reloaded _GetWatchlist('VIP') with SearchKey `Name`: 2 rows"),
        "{stdout}"
    );
    assert!(stdout.contains("│ web01     ┆ 1    │"), "{stdout}");
    assert!(stdout.contains("│ db01      ┆ 2    │"), "{stdout}");
}

// Unlike `kql run`, the shell accepts a key for a watchlist that a later `.load` brings.
#[test]
fn repl_key_applies_to_later_load() {
    let dir = data_folder(&[("VIP.csv", SERVERS)]);
    let input = format!(
        ".load {}\n_GetWatchlist('VIP') | project SearchKey\n.quit\n",
        dir.path().display()
    );
    kql_command()
        .args(["repl", "--watchlist-key", "VIP=Name"])
        .write_stdin(input)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "--watchlist-key names watchlist `VIP`, which no --watchlist option or --data \
             folder loads; the key applies when .load reads a watchlist of that alias",
        ))
        .stdout(predicate::str::contains(
            "as _GetWatchlist('VIP')… done: 2 rows",
        ))
        .stdout(predicate::str::contains("│ db01      │"));
    kql_command()
        .args(["run", "-q", "print 1", "--watchlist-key", "VIP=Name"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("which no --watchlist option"));
}

// `.tables` lists a watchlist as `_GetWatchlist('ALIAS')`, and `.schema` and `.drop`
// take that name.
#[test]
fn repl_schema_and_drop_watchlist() {
    let dir = data_folder(&[("blocked.csv", "Address\n10.0.0.9\n")]);
    let input = "\
        .schema _GetWatchlist('blocked')\n\
        .drop _GetWatchlist('blocked')\n\
        .tables\n\
        .quit\n";
    let stdout = repl_stdout(&["--data".as_ref(), dir.path().as_os_str()], input);
    assert!(
        stdout.contains("│ _GetWatchlist('blocked') ┆ SearchKey          ┆ string   │"),
        "{stdout}"
    );
    assert!(
        stdout.contains("│ _GetWatchlist('blocked') ┆ Address            ┆ string   │"),
        "{stdout}"
    );
    assert!(
        stdout.contains("dropped _GetWatchlist('blocked')"),
        "{stdout}"
    );
    assert!(stdout.contains("No tables loaded"), "{stdout}");
    assert!(!stdout.contains("no table named"), "{stdout}");
}

// Watchlist files are named as table files under --data: up to the first dot.
#[test]
fn alias_ends_at_first_dot() {
    let dir = data_folder(&[("blocked.2025-08.csv", "Address\n10.0.0.9\n")]);
    kql_command()
        .args(["run", "-q", "_GetWatchlist('blocked') | project SearchKey"])
        .args(["--format", "csv", "--data"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("SearchKey\n10.0.0.9\n");
    let dir = data_folder(&[
        ("blocked.csv", "Address\n10.0.0.9\n"),
        ("blocked.part2.csv", "Address\n10.0.0.8\n"),
    ]);
    print_on_folder(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "watchlist `blocked` is given twice",
        ));
}

#[test]
fn repl_loads_watchlist_folder() {
    let dir = data_folder(&[("blocked.csv", "Address\n10.0.0.9\n10.0.0.8\n")]);
    let input = "_GetWatchlist('blocked') | count\n.tables\n.quit\n";
    let output = kql_command()
        .arg("repl")
        .arg("--data")
        .arg(dir.path())
        .write_stdin(input)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("_GetWatchlist('blocked'): 2 rows"),
        "{stdout}"
    );
    assert!(stdout.contains("│ 2 "), "{stdout}");
    assert!(stdout.contains("_GetWatchlist('blocked') ┆ 2 "), "{stdout}");
    assert!(stdout.contains("blocked.csv"), "{stdout}");

    // `.load DIR` reads the folder's watchlists too.
    let input = format!(
        ".load {}\n_GetWatchlist('blocked') | count\n.quit\n",
        dir.path().display()
    );
    kql_command()
        .arg("repl")
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "as _GetWatchlist('blocked')… done: 2 rows",
        ))
        .stdout(predicate::str::contains("│ 2 "));
}

#[test]
fn blank_line_names_file_and_line() {
    let dir = data_folder(&[("blocked.csv", "Address\n10.0.0.9\n\n10.0.0.8\n")]);
    print_on_folder(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("blocked.csv:3: blank line"));
}

// The suggestion for an unknown SearchKey comes from the watchlist's own columns.
#[test]
fn unknown_key_suggests_own_column() {
    let dir = data_folder(&[
        ("A.csv", "Name,Note\nx,y\n"),
        ("B.csv", "Owner,Address\nx,y\n"),
    ]);
    print_on_folder(dir.path())
        .args(["--watchlist-key", "A=Nope", "--watchlist-key", "B=Name"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no column `Nope`"))
        .stderr(predicate::str::contains("did you mean `Note`?"));
    print_on_folder(dir.path())
        .args(["--watchlist-key", "A=Name", "--watchlist-key", "B=Nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no column `Nope`"))
        .stderr(predicate::str::contains("did you mean").not());
}
