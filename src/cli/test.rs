//! `kql test`: finds the test files, runs their cases, prints one line per case and a
//! diff per failure, and writes the JUnit report.
//!
//! Exit status: 0 when every selected case passes or `--update` wrote its expected file,
//! and 1 when a case fails or cannot run. Usage errors exit with 2: a missing path, no
//! test files, a filter that selects no case, or an unwritable JUnit file.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use kql::engine::GeoSource;
use kql::error::Error;
use kql::ruletest::{self, CaseOutcome, RunOptions, Summary};

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test files, or directories to search for *.test.toml files. Default: the current
    /// directory.
    pub paths: Vec<PathBuf>,

    /// Run only the cases whose name contains TEXT (letter case is ignored).
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// Write the result of each failing case that has `expect.file` to that file.
    #[arg(long)]
    pub update: bool,

    /// Also write the outcomes as a JUnit XML report to PATH.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,

    /// MaxMind-format GeoIP database for geo_info_from_ip_address; default: the embedded
    /// DB-IP country database.
    #[arg(long, env = "KQL_GEOIP_DB", value_name = "PATH")]
    pub geoip_db: Option<PathBuf>,
}

pub fn run(args: TestArgs) -> u8 {
    match run_tests(args) {
        Ok(code) => code,
        Err(error) => {
            let _ = write!(io::stderr(), "kql: {}", error.render("", ""));
            error.kind.exit_code() as u8
        }
    }
}

fn run_tests(args: TestArgs) -> Result<u8, Error> {
    let started = Instant::now();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let files = ruletest::discover(&paths)?;
    if files.is_empty() {
        let searched: Vec<String> = paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        return Err(Error::usage(format!(
            "no *{} files found in {}",
            ruletest::TEST_FILE_SUFFIX,
            searched.join(", ")
        )));
    }
    let options = RunOptions {
        filter: args.filter.clone(),
        update: args.update,
        geo: args.geoip_db.map_or(GeoSource::Embedded, GeoSource::File),
    };

    let mut out = anstream::stdout();
    let mut outcomes: Vec<CaseOutcome> = Vec::new();
    for file in &files {
        let mut print = |outcome: &CaseOutcome| {
            // A closed pipe must not stop the run, so write errors are ignored here.
            let _ = ruletest::write_case(&mut out, outcome);
            let _ = out.flush();
        };
        outcomes.extend(ruletest::run_test_file(file, &options, &mut print));
    }
    if outcomes.is_empty() {
        return Err(Error::usage(format!(
            "no case name contains `{}`",
            args.filter.unwrap_or_default()
        )));
    }

    let summary = Summary::of(&outcomes);
    let _ = ruletest::write_summary(&mut out, &summary, started.elapsed());
    if let Some(path) = &args.junit {
        ruletest::write_report(&outcomes, path)?;
    }
    Ok(if summary.failed == 0 { 0 } else { 1 })
}
