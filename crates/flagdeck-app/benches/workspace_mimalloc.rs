//! The workspace benches (see `workspace.rs`) with mimalloc as the global allocator, as the
//! `flagdeck` CLI runs: the sync engine allocates and frees whole 10,000-flag snapshots, where
//! the system allocator's bookkeeping shows. `cargo bench -p flagdeck-app --bench workspace_mimalloc`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

criterion::criterion_group! {
    name = workspace;
    config = common::config();
    targets = common::benches
}
criterion::criterion_main!(workspace);
