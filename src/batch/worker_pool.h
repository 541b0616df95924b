#pragma once
// A bounded pool for the batch: `jobs` threads take items in index order
// until none are left. Items are independent files or visits; the order they
// finish in never changes a result.

#include <cstddef>
#include <functional>

namespace antra {

// Hardware concurrency, at least 1.
int DefaultJobs();

// Runs task(i) for every i in [0, count) on min(jobs, count) threads and
// returns when all are done. An exception thrown by a task stops the other
// threads taking new items and is rethrown here (a broken invariant, not a
// per-file failure: tasks report those themselves).
void ParallelFor(std::size_t count, int jobs, const std::function<void(std::size_t)>& task);

}  // namespace antra
