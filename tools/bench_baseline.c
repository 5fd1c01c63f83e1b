/*
 * The baselines of tools/bench: what the machine and LMDB can do with nothing of ParLedger on top.
 *
 *   bench_baseline append DIR EVENTS BATCH SIZE [sha]   raw LMDB appends (MDB_APPEND, big-endian
 *                                                       sequence keys), BATCH records per write
 *                                                       transaction; with `sha`, each record carries
 *                                                       SHA-256(previous hash || record) as a chain
 *   bench_baseline fsync FILE COUNT                     4 KiB write + fdatasync, COUNT times
 *   bench_baseline replay TRACE DIR [TIMED] [ed25519]   ParLedger's own writes, recorded with
 *                                                       parledger-bench --write-trace (the format is in
 *                                                       Sources/parledger-bench/LMDBWriteTrace.swift), made again in
 *                                                       a new environment: the same puts, deletes and
 *                                                       drops with the same flags, in the same
 *                                                       transactions, each committed durably; only
 *                                                       the last TIMED transactions that write are
 *                                                       timed (all when 0 or absent); with `ed25519`,
 *                                                       each timed transaction also verifies one
 *                                                       Ed25519 signature (OpenSSL), as ParLedger
 *                                                       verifies a command's
 *   bench_baseline digest DIR                           per named database: its entries and the
 *                                                       SHA-256 of its keys and values in order (a
 *                                                       replay must match the ledger it was traced on)
 *
 * The environment is opened as ParLedger opens its own: MDB_NOTLS, no MDB_NOSYNC, so every commit
 * is durable. Prints one JSON object: {"events": n, "seconds": s} (append, fsync) or the replay's
 * counts and seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HASH_SIZE 32
#define MAX_HANDLES 256

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

static void fail(const char *message) {
    fprintf(stderr, "bench_baseline: %s\n", message);
    exit(1);
}

/* An environment opened as ParLedger opens its own, with room for the whole run. */
static MDB_env *open_environment(const char *dir, unsigned int flags) {
    MDB_env *env;
    check(mdb_env_create(&env), "mdb_env_create");
    check(mdb_env_set_maxdbs(env, 64), "mdb_env_set_maxdbs");
    check(mdb_env_set_mapsize(env, (size_t)1 << 38), "mdb_env_set_mapsize");
    check(mdb_env_open(env, dir, MDB_NOTLS | flags, 0640), "mdb_env_open");
    return env;
}

static int append(const char *dir, long events, long batch, long size, int chained) {
    if (size < 2 * HASH_SIZE + 8 || batch < 1 || events < 1) {
        fprintf(stderr, "bench_baseline: size must be at least 72 bytes, batch and events at least 1\n");
        return 64;
    }
    MDB_env *env = open_environment(dir, 0);
    MDB_dbi dbi;
    MDB_txn *txn;
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
                if (!EVP_Digest(record, (size_t)size - HASH_SIZE, record + size - HASH_SIZE, NULL, EVP_sha256(), NULL))
                    fail("SHA-256 failed");
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

/* ---- replay ---- */

typedef struct {
    const unsigned char *at, *end;
} Reader;

static uint32_t read_u32(Reader *r) {
    if (r->end - r->at < 4) fail("the trace ends inside a record");
    uint32_t v = (uint32_t)r->at[0] | (uint32_t)r->at[1] << 8 | (uint32_t)r->at[2] << 16 | (uint32_t)r->at[3] << 24;
    r->at += 4;
    return v;
}

static MDB_val read_bytes(Reader *r) {
    uint32_t n = read_u32(r);
    if ((size_t)(r->end - r->at) < n) fail("the trace ends inside a record");
    MDB_val v = {n, (void *)r->at};
    r->at += n;
    return v;
}

/* One write transaction of the trace: where its records are, whether it was committed, whether it wrote. */
typedef struct {
    const unsigned char *start, *end;
    int committed, writes;
} Span;

typedef struct {
    char *name;
    MDB_dbi handle;
    int open;
} Handle;

static Handle handles[MAX_HANDLES];

static uint32_t read_handle(Reader *r) {
    uint32_t dbi = read_u32(r);
    if (dbi >= MAX_HANDLES) fail("a database handle in the trace is out of range");
    return dbi;
}

/* Skips (or, with txn, performs) one record after its tag; returns 1 for a write. */
static int record(Reader *r, unsigned char tag, MDB_txn *txn, long counts[4]) {
    if (tag == 'N') {
        uint32_t dbi = read_handle(r);
        MDB_val name = read_bytes(r);
        if (!handles[dbi].name) {
            handles[dbi].name = calloc(1, name.mv_size + 1);
            memcpy(handles[dbi].name, name.mv_data, name.mv_size);
        }
        return 0;
    }
    if (tag != 'P' && tag != 'D' && tag != 'X') {
        fprintf(stderr, "bench_baseline: unknown record '%c' in the trace\n", tag);
        exit(1);
    }
    uint32_t dbi = read_handle(r);
    uint32_t flags = tag == 'P' ? read_u32(r) : 0;
    int expected = (int)read_u32(r);
    MDB_val key = {0, NULL}, value = {0, NULL};
    if (tag != 'X') key = read_bytes(r);
    if (tag == 'P') value = read_bytes(r);
    if (!txn) return 1;
    Handle *h = &handles[dbi];
    if (!h->name) fail("the trace writes to a database it never named");
    if (!h->open) {
        check(mdb_dbi_open(txn, h->name, MDB_CREATE, &h->handle), "mdb_dbi_open");
        h->open = 1;
    }
    int rc;
    if (tag == 'P') {
        rc = mdb_put(txn, h->handle, &key, &value, flags);
        counts[0]++;
        counts[3] += (long)(key.mv_size + value.mv_size);
    } else if (tag == 'D') {
        rc = mdb_del(txn, h->handle, &key, NULL);
        counts[1]++;
    } else {
        rc = mdb_drop(txn, h->handle, 0);
        counts[2]++;
    }
    if (rc != expected) {
        fprintf(stderr, "bench_baseline: the replay diverged: '%c' on '%s' returned %d (%s), ParLedger's %d\n", tag,
                h->name, rc, mdb_strerror(rc), expected);
        exit(1);
    }
    return 1;
}

/* Splits the trace into its write transactions and learns the databases' names. */
static Span *transactions(Reader whole, long *count) {
    long capacity = 1024, n = 0;
    Span *spans = malloc(sizeof(Span) * (size_t)capacity);
    Reader r = whole;
    while (r.at < r.end) {
        unsigned char tag = *r.at++;
        if (tag == 'N') {
            record(&r, tag, NULL, NULL);
            continue;
        }
        if (tag != 'B') fail("a record of the trace stands outside a transaction");
        if (n == capacity) spans = realloc(spans, sizeof(Span) * (size_t)(capacity *= 2));
        Span *span = &spans[n++];
        span->start = r.at;
        span->committed = span->writes = 0;
        for (;;) {
            if (r.at == r.end) { /* the traced process stopped inside it */
                span->end = r.at;
                break;
            }
            const unsigned char *here = r.at;
            tag = *r.at++;
            if (tag == 'C' || tag == 'A') {
                span->end = here;
                span->committed = tag == 'C';
                break;
            }
            span->writes |= record(&r, tag, NULL, NULL);
        }
    }
    *count = n;
    return spans;
}

/* A key and a signature made once; each timed transaction verifies them as ParLedger verifies a command. */
typedef struct {
    unsigned char public_key[32], signature[64], message[512];
} Signed;

static void make_signature(Signed *s) {
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    size_t length = sizeof s->public_key, signature_length = sizeof s->signature;
    for (size_t i = 0; i < sizeof s->message; i++) s->message[i] = (unsigned char)('a' + i % 26);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!key || !EVP_PKEY_get_raw_public_key(key, s->public_key, &length) ||
        !EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) ||
        !EVP_DigestSign(ctx, s->signature, &signature_length, s->message, sizeof s->message))
        fail("making an Ed25519 signature failed");
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
}

static void verify_signature(const Signed *s) {
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, s->public_key, sizeof s->public_key);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!key || !EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) ||
        EVP_DigestVerify(ctx, s->signature, sizeof s->signature, s->message, sizeof s->message) != 1)
        fail("an Ed25519 verification failed");
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
}

static int replay(const char *trace, const char *dir, long timed, int ed25519) {
    int fd = open(trace, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "bench_baseline: cannot read %s: %s\n", trace, strerror(errno));
        return 1;
    }
    if (st.st_size < 8) fail("the trace is empty");
    unsigned char *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) fail("cannot map the trace");
    if (memcmp(map, "PLTRACE1", 8) != 0) fail("not a ParLedger write trace (PLTRACE1)");
    /* Bring the whole trace into memory first, so that the timed part reads no file. */
    madvise(map, (size_t)st.st_size, MADV_WILLNEED);
    volatile unsigned char sink = 0;
    for (off_t i = 0; i < st.st_size; i += 4096) sink ^= map[i];
    (void)sink;

    long count;
    Span *spans = transactions((Reader){map + 8, map + st.st_size}, &count);
    long writing = 0;
    for (long i = 0; i < count; i++) writing += spans[i].committed && spans[i].writes;
    if (timed <= 0 || timed > writing) timed = writing;
    Signed signed_message;
    if (ed25519) make_signature(&signed_message);

    MDB_env *env = open_environment(dir, 0);
    long counts[4] = {0, 0, 0, 0}, untimed[4] = {0, 0, 0, 0}, seen = 0;
    double seconds = 0;
    for (long i = 0; i < count; i++) {
        Span *span = &spans[i];
        if (!span->committed || !span->writes) continue; /* aborted (the map grew) or only named databases */
        int timing = ++seen > writing - timed;
        double start = now();
        MDB_txn *txn;
        check(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
        if (timing && ed25519) verify_signature(&signed_message);
        Reader r = {span->start, span->end};
        while (r.at < r.end) {
            unsigned char tag = *r.at++;
            record(&r, tag, txn, timing ? counts : untimed);
        }
        check(mdb_txn_commit(txn), "mdb_txn_commit");
        if (timing) seconds += now() - start;
    }
    printf("{\"transactions\": %ld, \"timedTransactions\": %ld, \"puts\": %ld, \"deletes\": %ld, \"drops\": %ld, "
           "\"bytes\": %ld, \"verifications\": %ld, \"seconds\": %.6f}\n",
           writing, timed, counts[0], counts[1], counts[2], counts[3], ed25519 ? timed : 0, seconds);
    mdb_env_close(env);
    munmap(map, (size_t)st.st_size);
    close(fd);
    free(spans);
    return 0;
}

/* ---- digest ---- */

static int digest(const char *dir) {
    MDB_env *env = open_environment(dir, MDB_RDONLY);
    MDB_txn *txn;
    MDB_dbi main_dbi;
    MDB_cursor *names;
    check(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), "mdb_txn_begin");
    check(mdb_dbi_open(txn, NULL, 0, &main_dbi), "mdb_dbi_open");
    check(mdb_cursor_open(txn, main_dbi, &names), "mdb_cursor_open");
    MDB_val name, ignored;
    int first = 1;
    printf("{");
    for (int op = MDB_FIRST; mdb_cursor_get(names, &name, &ignored, op) == 0; op = MDB_NEXT) {
        char *text = calloc(1, name.mv_size + 1);
        memcpy(text, name.mv_data, name.mv_size);
        MDB_dbi dbi;
        MDB_cursor *cursor;
        check(mdb_dbi_open(txn, text, 0, &dbi), "mdb_dbi_open");
        check(mdb_cursor_open(txn, dbi, &cursor), "mdb_cursor_open");
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
        long entries = 0;
        MDB_val key, value;
        for (int step = MDB_FIRST; mdb_cursor_get(cursor, &key, &value, step) == 0; step = MDB_NEXT) {
            uint32_t lengths[2] = {(uint32_t)key.mv_size, (uint32_t)value.mv_size};
            EVP_DigestUpdate(ctx, &lengths[0], 4);
            EVP_DigestUpdate(ctx, key.mv_data, key.mv_size);
            EVP_DigestUpdate(ctx, &lengths[1], 4);
            EVP_DigestUpdate(ctx, value.mv_data, value.mv_size);
            entries++;
        }
        unsigned char hash[HASH_SIZE];
        EVP_DigestFinal_ex(ctx, hash, NULL);
        EVP_MD_CTX_free(ctx);
        mdb_cursor_close(cursor);
        printf("%s\"%s\": {\"entries\": %ld, \"sha256\": \"", first ? "" : ", ", text, entries);
        for (int i = 0; i < HASH_SIZE; i++) printf("%02x", hash[i]);
        printf("\"}");
        first = 0;
        free(text);
    }
    printf("}\n");
    mdb_cursor_close(names);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 6 && strcmp(argv[1], "append") == 0) {
        int chained = argc >= 7 && strcmp(argv[6], "sha") == 0;
        return append(argv[2], atol(argv[3]), atol(argv[4]), atol(argv[5]), chained);
    }
    if (argc == 4 && strcmp(argv[1], "fsync") == 0) return fsync_rate(argv[2], atol(argv[3]));
    if (argc >= 4 && argc <= 6 && strcmp(argv[1], "replay") == 0) {
        int ed25519 = argc == 6 && strcmp(argv[5], "ed25519") == 0;
        return replay(argv[2], argv[3], argc >= 5 ? atol(argv[4]) : 0, ed25519);
    }
    if (argc == 3 && strcmp(argv[1], "digest") == 0) return digest(argv[2]);
    fprintf(stderr, "usage: bench_baseline append DIR EVENTS BATCH SIZE [sha] | fsync FILE COUNT | "
                    "replay TRACE DIR [TIMED] [ed25519] | digest DIR\n");
    return 64;
}
