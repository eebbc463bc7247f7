//! The wasm build's memory allocator.
//!
//! lol_alloc's free-list allocator instead of Rust's default dlmalloc: about 8 KB smaller (3 KB
//! gzipped) in a module with a size budget. Its cost, a walk of the free list per allocation, is
//! nothing here: the module holds a few small strings at a time, and the list is kept sorted and
//! coalesced, so it stays short.

/// wasm32 in a browser is single-threaded (this module is not built with shared memory), which is
/// what `AssumeSingleThreaded` requires.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: the module runs on one thread: no atomics target feature, no shared memory.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
