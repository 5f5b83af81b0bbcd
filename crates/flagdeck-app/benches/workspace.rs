//! Workspaces at the 10,000-flag size (issue 3, item 9; docs/BENCHMARKS.md "Workspaces"):
//! opening the app to the first list, search, syncing a one-flag change to a local bare
//! remote, and re-importing 100 externally edited files of a folder workspace.
//!
//! Targets: open to first list < 300 ms; search < 10 ms a query; sync of one flag < 500 ms;
//! re-import of 100 files < 500 ms. `cargo bench -p flagdeck-app --bench workspace`.
//!
//! Setup (untimed, once): the large project (`flagdeck_testgen::large`, seed 7) committed to a
//! bare repository over file://; an app data folder with a git workspace cloned from it; a
//! `git clone` of it opened as a folder workspace in a second data folder.

mod common;

criterion::criterion_group! {
    name = workspace;
    config = common::config();
    targets = common::benches
}
criterion::criterion_main!(workspace);
