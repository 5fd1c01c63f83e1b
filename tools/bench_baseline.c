/*
 * The baselines of tools/bench: what the machine and LMDB can do with nothing of ParLedger on top.
 *
 *   bench_baseline append DIR EVENTS BATCH SIZE [sha]   raw LMDB appends (MDB_APPEND, big-endian
 *                                                       sequence keys), BATCH records per write
 *                                                       transaction; with `sha`, each record carries
 *                                                       SHA-256(previous hash || record) as a chain
 *   bench_baseline fsync FILE COUNT                     4 KiB write + fdatasync, COUNT times
 *
 * The environment is opened as ParLedger opens its own: MDB_NOTLS, no MDB_NOSYNC, so every commit
 * is durable. Prints one JSON object: {"events": n, "seconds": s}.
 */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HASH_SIZE 32

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(int rc, const char *what) {
    if (rc != 0) {
        fprintf(stderr, "bench_baseline: %s: %s\n", what, mdb_strerror(rc));
        exit(1);
    }
}

static int append(const char *dir, long events, long batch, long size, int chained) {
    if (size < 2 * HASH_SIZE + 8 || batch < 1 || events < 1) {
        fprintf(stderr, "bench_baseline: size must be at least 72 bytes, batch and events at least 1\n");
        return 64;
    }
    MDB_env *env;
    MDB_dbi dbi;
    MDB_txn *txn;
    check(mdb_env_create(&env), "mdb_env_create");
    check(mdb_env_set_maxdbs(env, 4), "mdb_env_set_maxdbs");
    check(mdb_env_set_mapsize(env, (size_t)1 << 38), "mdb_env_set_mapsize");
    check(mdb_env_open(env, dir, MDB_NOTLS, 0640), "mdb_env_open");
    check(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
    check(mdb_dbi_open(txn, "events", MDB_CREATE, &dbi), "mdb_dbi_open");
    check(mdb_txn_commit(txn), "mdb_txn_commit");

    unsigned char *record = malloc((size_t)size);
    for (long i = 0; i < size; i++) record[i] = (unsigned char)('a' + i % 26);

    double start = now();
    long sequence = 0;
    while (sequence < events) {
        check(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
        for (long j = 0; j < batch && sequence < events; j++) {
            sequence++;
            memcpy(record + HASH_SIZE, &sequence, sizeof sequence);
            if (chained) {
                /* The record opens with the previous record's hash and ends with its own. */
                memcpy(record, record + size - HASH_SIZE, HASH_SIZE);
                if (!EVP_Digest(record, (size_t)size - HASH_SIZE, record + size - HASH_SIZE, NULL, EVP_sha256(), NULL)) {
                    fprintf(stderr, "bench_baseline: SHA-256 failed\n");
                    exit(1);
                }
            }
            unsigned char keyBytes[8];
            for (int b = 0; b < 8; b++) keyBytes[b] = (unsigned char)((uint64_t)sequence >> (56 - 8 * b));
            MDB_val key = {sizeof keyBytes, keyBytes};
            MDB_val value = {(size_t)size, record};
            check(mdb_put(txn, dbi, &key, &value, MDB_APPEND), "mdb_put");
        }
        check(mdb_txn_commit(txn), "mdb_txn_commit");
    }
    double seconds = now() - start;
    printf("{\"events\": %ld, \"seconds\": %.6f}\n", events, seconds);
    mdb_env_close(env);
    free(record);
    return 0;
}

static int fsync_rate(const char *file, long count) {
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        fprintf(stderr, "bench_baseline: cannot open %s: %s\n", file, strerror(errno));
        return 1;
    }
    char block[4096];
    memset(block, 'x', sizeof block);
    double start = now();
    for (long i = 0; i < count; i++) {
        if (pwrite(fd, block, sizeof block, 0) != (ssize_t)sizeof block || fdatasync(fd) != 0) {
            fprintf(stderr, "bench_baseline: writing %s: %s\n", file, strerror(errno));
            return 1;
        }
    }
    double seconds = now() - start;
    close(fd);
    printf("{\"events\": %ld, \"seconds\": %.6f}\n", count, seconds);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 6 && strcmp(argv[1], "append") == 0) {
        int chained = argc >= 7 && strcmp(argv[6], "sha") == 0;
        return append(argv[2], atol(argv[3]), atol(argv[4]), atol(argv[5]), chained);
    }
    if (argc == 4 && strcmp(argv[1], "fsync") == 0) return fsync_rate(argv[2], atol(argv[3]));
    fprintf(stderr, "usage: bench_baseline append DIR EVENTS BATCH SIZE [sha] | fsync FILE COUNT\n");
    return 64;
}
