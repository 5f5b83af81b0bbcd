//! The Flagdeck desktop app; everything is in the library (`flagdeck_desktop::run`).

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// The app decodes and explains thousands of flags (lists, previews, the preview server): each a
// swarm of small JSON nodes and strings, which mimalloc allocates and frees several times faster
// than glibc's allocator (docs/BENCHMARKS.md, "Preview"), as in the `flagdeck` CLI.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    flagdeck_desktop::run()
}
