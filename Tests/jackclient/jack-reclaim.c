// jack-reclaim: frees the JACK server-registry slots of servers that died without unregistering.
//
// jackd2 (1.9.21) keeps at most 8 servers in its shared registry (/dev/shm/jack-shm-registry).
// A server that exits uncleanly (a crash, SIGKILL, or a shutdown that trips over a dead client)
// leaves its slot behind, and jackd only reclaims a dead slot that has its own server name. The
// tests name every server afresh, so after 8 such deaths no jackd can start on the machine
// ("Too many servers already active") until the next reboot. The live tests and
// scripts/rtsan-check run this before starting a server.
//
// Under JACK's own registry lock (System V semaphore 0x282929), each slot whose process is gone
// is zeroed, as jackd does for its own name. Slots of live servers are never touched. Prints one
// line per reclaimed slot; exits 0 also when there is no registry (no server ever ran), 1 when it
// changed nothing because it could not (unknown registry layout, lock not granted in 5 s).
// usage: jack-reclaim
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// jackd2's registry header (common/shm.h): magic, protocol, type, sizes, then the server table.
#define REGISTRY_PATH "/dev/shm/jack-shm-registry"
#define REGISTRY_MAGIC 0x4a41434b  // "JACK"
#define SEMAPHORE_KEY 0x282929
#define MAX_SERVERS 8
#define SERVER_NAME_SIZE 256

typedef struct {
    int32_t pid;
    char name[SERVER_NAME_SIZE + 1];
} server_slot;

typedef struct {
    uint32_t magic;
    uint16_t protocol;
    int32_t type;
    uint32_t size;
    uint32_t hdr_len;
    uint32_t entry_len;
    server_slot server[MAX_SERVERS];
} registry_header;

static int semaphore = -1;

// 0 when locked (or there is no lock yet: no server has run since boot); -1 when not granted.
static int lock_registry(void) {
    semaphore = semget(SEMAPHORE_KEY, 1, 0);
    if (semaphore < 0) return 0;
    struct sembuf down = {0, -1, SEM_UNDO};
    struct timespec patience = {5, 0};  // a hung jackd holding the lock must not hang the caller
    if (semtimedop(semaphore, &down, 1, &patience) < 0) { semaphore = -1; return -1; }
    return 0;
}

static void unlock_registry(void) {
    if (semaphore < 0) return;
    struct sembuf up = {0, 1, SEM_UNDO};
    semop(semaphore, &up, 1);
}

int main(void) {
    int fd = open(REGISTRY_PATH, O_RDWR);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        perror("jack-reclaim: " REGISTRY_PATH);
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(registry_header)) {
        fprintf(stderr, "jack-reclaim: %s is too short for a JACK registry\n", REGISTRY_PATH);
        return 1;
    }
    registry_header *header = mmap(NULL, sizeof(registry_header), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (header == MAP_FAILED) { perror("jack-reclaim: mmap"); return 1; }
    if (header->magic != REGISTRY_MAGIC || header->hdr_len != sizeof(registry_header)) {
        fprintf(stderr, "jack-reclaim: %s has magic %#x and header length %u, not jackd2's %#x and %zu: left alone\n",
                REGISTRY_PATH, header->magic, header->hdr_len, REGISTRY_MAGIC, sizeof(registry_header));
        return 1;
    }
    if (lock_registry() < 0) {
        perror("jack-reclaim: registry lock (semaphore 0x282929)");
        munmap(header, sizeof(registry_header));
        return 1;
    }
    for (int i = 0; i < MAX_SERVERS; i++) {
        server_slot *slot = &header->server[i];
        if (slot->pid == 0) continue;
        if (kill(slot->pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
        slot->name[SERVER_NAME_SIZE] = 0;
        printf("jack-reclaim: freed slot %d of dead server %s (pid %d)\n", i, slot->name, slot->pid);
        memset(slot, 0, sizeof *slot);
    }
    unlock_registry();
    munmap(header, sizeof(registry_header));
    return 0;
}
