#pragma once
// Process-wide memory allocator setting for programs that analyse frames.

namespace antra {

// Keeps freed frame-sized buffers (blocks up to 32 MiB; up to 64 MiB of free
// memory at the top of the heap) in the process heap for the next frame
// instead of handing them back to the system. Why: the pipeline makes and
// frees dozens of 0.3 to 2 MiB images per frame, and glibc's defaults may
// return such blocks to the kernel (munmap, or trimming the top of the heap,
// depending on what the process freed before), so a frame could fault all
// those pages in again: 1,000 to 1,800 page faults and about 2 ms of CPU per
// 800 x 600 frame, about 10 % (BENCHMARKS.md, pipeline speed work 2). Results are unchanged;
// resident memory stays at its high-water mark instead of shrinking between
// frames. Call once, early in main(), before threads start. Returns false
// (and changes nothing) where the C library has no such controls.
bool KeepFrameBuffersInHeap();

}  // namespace antra
