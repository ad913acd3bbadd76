//! The `kql` command: parses arguments and hands off to [`cli`].

mod cli;

/// mimalloc instead of the system allocator: the engine allocates many small values per
/// row, and glibc's malloc and free took about 18% of a profile of the benchmark query.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
