// The preview bench (benches/preview.rs) with mimalloc, the allocator the `flagdeck` CLI uses:
// explaining 30,000 cells allocates about half a million strings, and the system allocator is
// most of the time. `cargo bench -p flagdeck-app --bench preview_mimalloc`.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

include!("preview.rs");
