"""faiss IndexHNSWFlat (inner product) on the vectors the `ann` benchmark wrote, for a side-by-side run.

Reads raw little-endian float32 base and query files and an int32 ground-truth file (k row positions per
query, best first), builds the index with every core, then reports per efSearch and thread count: recall@k,
batch QPS (one search call over all queries, faiss's own OpenMP parallelism) and single-query QPS with
p50/p99 latency (one query per call, as a service would issue them; N threads = N Python threads, faiss
releases the GIL while searching). One JSON object per line on stdout.
"""
import argparse
import json
import threading
import time

import faiss
import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--truth", required=True)
    parser.add_argument("--dim", type=int, required=True)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=128)
    parser.add_argument("--ef-search", default="64")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--build-threads", type=int, default=2)
    args = parser.parse_args()

    base = np.fromfile(args.base, dtype=np.float32).reshape(-1, args.dim)
    queries = np.fromfile(args.queries, dtype=np.float32).reshape(-1, args.dim)
    truth = np.fromfile(args.truth, dtype=np.int32).reshape(len(queries), args.k)

    faiss.omp_set_num_threads(args.build_threads)
    index = faiss.IndexHNSWFlat(args.dim, args.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = args.ef_construction
    start = time.perf_counter()
    index.add(base)
    build_s = time.perf_counter() - start
    hnsw = index.hnsw
    index_bytes = index.ntotal * args.dim * 4 + hnsw.neighbors.size() * 4 + hnsw.offsets.size() * 8 + hnsw.levels.size() * 4
    print(json.dumps({"build_s": build_s, "index_bytes": index_bytes, "n": index.ntotal}), flush=True)

    for ef in [int(e) for e in args.ef_search.split(",")]:
        hnsw.efSearch = ef
        for threads in [int(t) for t in args.threads.split(",")]:
            faiss.omp_set_num_threads(threads)
            index.search(queries[:50], args.k)
            start = time.perf_counter()
            _, found = index.search(queries, args.k)
            batch_qps = len(queries) / (time.perf_counter() - start)
            recall = np.mean([len(set(found[i]) & set(truth[i])) / args.k for i in range(len(queries))])

            faiss.omp_set_num_threads(1)
            latencies = [[] for _ in range(threads)]

            def worker(t):
                for q in range(t, len(queries), threads):
                    begin = time.perf_counter()
                    index.search(queries[q:q + 1], args.k)
                    latencies[t].append(time.perf_counter() - begin)

            workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
            start = time.perf_counter()
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            wall = time.perf_counter() - start
            all_ms = np.sort(np.concatenate([np.array(l) for l in latencies])) * 1000
            print(json.dumps({
                "ef": ef, "threads": threads, "recall": float(recall), "batch_qps": batch_qps,
                "qps": len(queries) / wall, "p50_ms": float(np.percentile(all_ms, 50)),
                "p99_ms": float(np.percentile(all_ms, 99)),
            }), flush=True)


if __name__ == "__main__":
    main()
