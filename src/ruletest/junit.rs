//! The JUnit XML report for CI systems, written with `quick-junit`: one `<testsuite>`
//! per test file and one `<testcase>` per case, with `<failure>` for a result that does
//! not match and `<error>` for a case that could not run.

use std::io::Write;
use std::path::Path;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::report::{display_path, plain, write_mismatch};
use super::runner::{CaseOutcome, Status};
use crate::error::Error;

/// Builds the report for the outcomes of a run, grouped by test file in run order.
pub fn build_report(outcomes: &[CaseOutcome]) -> Report {
    let mut report = Report::new("kql test");
    let mut suites: Vec<TestSuite> = Vec::new();
    let mut current_file: Option<&Path> = None;
    for outcome in outcomes {
        if current_file != Some(outcome.file.as_path()) {
            suites.push(TestSuite::new(display_path(&outcome.file)));
            current_file = Some(outcome.file.as_path());
        }
        if let Some(suite) = suites.last_mut() {
            suite.add_test_case(test_case(outcome));
        }
    }
    let total = outcomes.iter().map(|outcome| outcome.duration).sum();
    report.set_time(total);
    report.add_test_suites(suites);
    report
}

fn test_case(outcome: &CaseOutcome) -> TestCase {
    let status = match &outcome.status {
        Status::Passed | Status::Updated(_) => TestCaseStatus::success(),
        Status::Failed(mismatch) => {
            let mut diff = Vec::new();
            // An in-memory Vec<u8> writer returns no I/O errors.
            let _ = write_mismatch(&mut diff, mismatch);
            let diff = plain(&String::from_utf8_lossy(&diff));
            let message = mismatch.summary();
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(message).set_description(diff);
            status
        }
        Status::Error(text) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            let first_line = text.lines().next().unwrap_or_default();
            status
                .set_message(plain(first_line))
                .set_description(plain(text));
            status
        }
    };
    let mut case = TestCase::new(outcome.name.as_str(), status);
    case.set_classname(display_path(&outcome.file))
        .set_time(outcome.duration);
    if let Status::Updated(path) = &outcome.status {
        case.set_system_out(format!("updated {}", display_path(path)));
    }
    case
}

/// Writes the report to `path`.
pub fn write_report(outcomes: &[CaseOutcome], path: &Path) -> Result<(), Error> {
    let failed = |message: String| {
        Error::usage(format!(
            "failed to write the JUnit report {}: {message}",
            path.display()
        ))
    };
    let xml = build_report(outcomes)
        .to_string()
        .map_err(|error| failed(error.to_string()))?;
    let mut file = std::fs::File::create(path).map_err(|error| failed(error.to_string()))?;
    file.write_all(xml.as_bytes())
        .map_err(|error| failed(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruletest::compare::Mismatch;
    use std::path::PathBuf;
    use std::time::Duration;

    fn outcome(file: &str, name: &str, status: Status) -> CaseOutcome {
        CaseOutcome {
            file: PathBuf::from(file),
            name: name.to_string(),
            duration: Duration::from_millis(5),
            status,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn suites_follow_files() {
        let mismatch = Mismatch {
            problems: vec!["expected 1 row, got 0".to_string()],
            ..Mismatch::default()
        };
        let outcomes = [
            outcome("a.test.toml", "one", Status::Passed),
            outcome("a.test.toml", "two", Status::Failed(mismatch)),
            outcome(
                "b.test.toml",
                "three",
                Status::Error("error: unknown name".to_string()),
            ),
        ];
        let xml = build_report(&outcomes).to_string().expect("serializes");
        assert!(
            xml.contains(
                r#"<testsuites name="kql test" tests="3" skipped="0" failures="1" errors="1""#
            ),
            "{xml}"
        );
        assert!(
            xml.contains(
                r#"<testsuite name="a.test.toml" tests="2" skipped="0" errors="0" failures="1""#
            ),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<failure message="expected 1 row, got 0">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<error message="error: unknown name">"#),
            "{xml}"
        );
    }
}
