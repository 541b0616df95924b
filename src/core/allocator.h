#pragma once
// Process-wide memory allocator setting for programs that analyse frames.

namespace antra {

// Keeps freed frame-sized buffers (up to 32 MiB each, up to 64 MiB in all)
// in the process heap for the next frame instead of handing them back to the
// system. Why: the pipeline makes and frees dozens of 0.3 to 2 MiB images per
// frame, and glibc's defaults return such blocks to the kernel (munmap, or
// trimming the top of the heap), so every frame faulted all those pages in
// again: about 1,200 page faults and 2.5 ms of CPU per 800 x 600 frame,
// 10 to 12 % of it (BENCHMARKS.md, pipeline speed). Results are unchanged;
// resident memory stays at its high-water mark instead of shrinking between
// frames. Call once, early in main(), before threads start. Returns false
// (and changes nothing) where the C library has no such controls.
bool KeepFrameBuffersInHeap();

}  // namespace antra
