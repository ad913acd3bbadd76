//! The `kql` command: parses arguments and hands off to [`cli`].

mod cli;

/// mimalloc instead of the system allocator: the engine allocates many small values per
/// row, and glibc's malloc and free took about 18% of a profile of the benchmark query.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    disable_transparent_huge_pages();
    cli::main()
}

/// Turns off transparent huge pages for this process. mimalloc requests them for its large
/// regions, and then every first write to 2 MiB of fresh memory makes the kernel zero all
/// of it. With them, loading 1,000,000 rows for a `summarize` spent 1.3 to 1.9 s in the
/// kernel, without them 0.45 to 0.52 s (`/usr/bin/time`, three runs each, on a 2-core
/// machine). A failure only loses that saving, so it is not reported.
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes one integer argument, passed as the documented
    // unsigned long; the remaining arguments must be zero.
    unsafe {
        libc::prctl(
            libc::PR_SET_THP_DISABLE,
            1 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        );
    }
}
