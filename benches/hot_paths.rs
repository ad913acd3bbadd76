//! Criterion micro-benchmarks for the hot paths of a hunting query: loading JSON lines and
//! CSV, `has` and `has_any` term matching, `parse_json`, and `lookup` against a small table.
//!
//! Run with `cargo bench --bench hot_paths`. The inputs are generated in memory from a fixed
//! seed, so runs compare like with like; `bench/run.sh` measures whole queries instead.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

use kql::data::{self, Format, LoadOptions};
use kql::engine::Session;
use kql::eval::text::Needle;

const ROWS: usize = 20_000;

/// A small deterministic generator (64-bit linear congruential), so the inputs need no
/// extra crate and are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

/// Returns the text of an `AdditionalFields` value, or an empty string for two rows in three.
fn additional_fields(random: &mut Lcg) -> String {
    const FLAGS: [u64; 8] = [2, 6, 16, 18, 19, 24, 31, 119];
    const DIRECTIONS: [&str; 3] = ["In", "Out", "Inbound"];
    if random.next(3) != 0 {
        return String::new();
    }
    let flags = FLAGS[random.next(FLAGS.len() as u64) as usize];
    let direction = DIRECTIONS[random.next(DIRECTIONS.len() as u64) as usize];
    format!(r#"{{"direction":"{direction}","Tcp Flags":{flags},"uid":"C{flags}x{direction}"}}"#)
}

/// Returns DeviceNetworkEvents rows as JSON lines, with a few of the table's columns.
fn json_lines() -> String {
    let mut random = Lcg(6);
    let mut text = String::new();
    for row in 0..ROWS {
        let fields = additional_fields(&mut random);
        let fields = serde_json::to_string(&fields).unwrap_or_default();
        let _ = writeln!(
            text,
            r#"{{"TimeGenerated":"2025-06-01T{:02}:{:02}:00.1234567Z","DeviceId":"d{:04}","DeviceName":"host-{:04}.contoso.example","ActionType":"ConnectionSuccess","LocalIP":"10.0.{}.{}","LocalPort":{},"RemoteIP":"192.168.{}.{}","RemotePort":443,"AdditionalFields":{fields},"InitiatingProcessCommandLine":"svchost.exe -k netsvcs -p {row}"}}"#,
            row / 60 % 24,
            row % 60,
            row % 500,
            row % 500,
            random.next(256),
            random.next(256),
            1024 + random.next(60_000),
            random.next(256),
            random.next(256),
        );
    }
    text
}

/// Returns the same rows as CSV, as the Advanced Hunting portal exports them.
fn csv_text() -> String {
    let mut random = Lcg(6);
    let mut text = String::from("TimeGenerated,DeviceId,DeviceName,LocalPort,AdditionalFields\n");
    for row in 0..ROWS {
        let fields = additional_fields(&mut random).replace('"', "\"\"");
        let _ = writeln!(
            text,
            "2025-06-01T{:02}:{:02}:00Z,d{:04},host-{:04}.contoso.example,{},\"{fields}\"",
            row / 60 % 24,
            row % 60,
            row % 500,
            row % 500,
            1024 + random.next(60_000),
        );
    }
    text
}

fn loading(c: &mut Criterion) {
    let json = json_lines();
    let csv = csv_text();
    let options = LoadOptions::default();
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("json_lines", |b| {
        b.iter(|| {
            data::load_reader(
                "DeviceNetworkEvents",
                "bench",
                Format::JsonLines,
                json.as_bytes(),
                &options,
            )
        })
    });
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function("csv", |b| {
        b.iter(|| {
            data::load_reader(
                "DeviceNetworkEvents",
                "bench",
                Format::Csv,
                csv.as_bytes(),
                &options,
            )
        })
    });
    group.finish();
}

fn term_matching(c: &mut Criterion) {
    let mut random = Lcg(7);
    let texts: Vec<String> = (0..ROWS).map(|_| additional_fields(&mut random)).collect();
    let direction = Needle::new("In", false);
    let flags: Vec<Needle> = ["6", "7", "19", "27", "30", "31", "63"]
        .iter()
        .map(|text| Needle::new(text, false))
        .collect();
    let mut group = c.benchmark_group("text");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("has", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|text| direction.is_term_in(black_box(text)))
                .count()
        })
    });
    group.bench_function("has_any", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|text| flags.iter().any(|flag| flag.is_term_in(black_box(text))))
                .count()
        })
    });
    group.finish();
}

/// Builds a session with the generated DeviceNetworkEvents rows loaded.
fn session() -> Session {
    let json = json_lines();
    let mut session = Session::new();
    let loaded = data::load_reader(
        "DeviceNetworkEvents",
        "bench",
        Format::JsonLines,
        json.as_bytes(),
        &LoadOptions::default(),
    );
    match loaded {
        Ok(loaded) => session.add_table("DeviceNetworkEvents", loaded.table, "bench"),
        Err(error) => panic!("generated input failed to load: {}", error.message),
    }
    session
}

fn queries(c: &mut Criterion) {
    let session = session();
    let parse_json = "DeviceNetworkEvents \
        | extend info = parse_json(AdditionalFields) \
        | extend TcpFlags = tostring(info['Tcp Flags']) \
        | count";
    let lookup = r#"let Owners = datatable(DeviceName:string, Owner:string)
            ["host-0001.contoso.example", "team a", "host-0002.contoso.example", "team b"];
        DeviceNetworkEvents
        | lookup kind=leftouter Owners on DeviceName
        | count"#;
    let mut group = c.benchmark_group("query");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    for (name, query) in [("parse_json", parse_json), ("lookup", lookup)] {
        if let Err(error) = session.run(query) {
            panic!("benchmark query {name} failed: {}", error.message);
        }
        group.bench_function(name, |b| {
            b.iter_batched(|| query, |query| session.run(query), BatchSize::SmallInput)
        });
    }
    group.finish();
}

criterion_group!(benches, loading, term_matching, queries);
criterion_main!(benches);
