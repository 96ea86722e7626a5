/*
 * coldstart: exec -> first HTTP 200, for a server started RUNS times in a row.
 *   coldstart RUNS PORT PATH LOG -- PROGRAM ARGS...
 * Every "{PORT}" in ARGS becomes PORT (+ run number, so no run waits for the previous
 * one's socket). Per run: take the time, posix_spawn the program (stdout and stderr to
 * LOG), then connect() to 127.0.0.1:PORT and send "GET PATH" in a tight loop (100 us
 * between refused attempts) until a response starts with "HTTP/1.1 200"; that is the
 * cold start. Then SIGTERM, wait. Each run is bounded by 5 s. Prints one line per run
 * and then: median_ms=<m> min_ms=<m> max_ms=<m> runs=<n>
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* 1: got a 200; 0: not yet (refused, closed, other status); */
static int probe(int port, const char *path)
{
    const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return 0;
    const int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = 0;
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) == 0) {
        char request[512];
        const int n = snprintf(request, sizeof request,
                               "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n",
                               path, port);
        struct timeval tv = {.tv_sec = 2};
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (write(s, request, (size_t)n) == n) {
            char buf[16];
            size_t got = 0;
            while (got < 12) {
                const ssize_t r = read(s, buf + got, 12 - got);
                if (r <= 0)
                    break;
                got += (size_t)r;
            }
            ok = got == 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0;
        }
    }
    close(s);
    return ok;
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 7 || strcmp(argv[5], "--") != 0) {
        fprintf(stderr, "usage: coldstart RUNS PORT PATH LOG -- PROGRAM ARGS...\n");
        return 2;
    }
    const int runs = atoi(argv[1]);
    const int base_port = atoi(argv[2]);
    const char *path = argv[3];
    const char *log = argv[4];
    const int nargs = argc - 6;
    if (runs < 1 || base_port < 1 || base_port + runs > 65535)
        return 2;
    double *ms = calloc((size_t)runs, sizeof *ms);
    char **args = calloc((size_t)nargs + 1, sizeof *args);
    int done = 0;
    for (int run = 0; run < runs; ++run) {
        const int port = base_port + run;
        char portText[16];
        snprintf(portText, sizeof portText, "%d", port);
        for (int i = 0; i < nargs; ++i) {
            const char *a = argv[6 + i], *at = strstr(a, "{PORT}");
            if (at) {
                char *s = malloc(strlen(a) + 16);
                sprintf(s, "%.*s%s%s", (int)(at - a), a, portText, at + 6);
                args[i] = s;
            } else {
                args[i] = (char *)a;
            }
        }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);

        const double start = now_ms();
        pid_t pid;
        if (posix_spawn(&pid, args[0], &fa, NULL, args, environ) != 0) {
            perror("coldstart: posix_spawn");
            return 1;
        }
        double elapsed = -1;
        while (now_ms() - start < 5000) {
            if (probe(port, path)) {
                elapsed = now_ms() - start;
                break;
            }
            int status;
            if (waitpid(pid, &status, WNOHANG) == pid) {
                fprintf(stderr, "coldstart: the server exited (status %d); see %s\n", status, log);
                return 1;
            }
            usleep(100);
        }
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        posix_spawn_file_actions_destroy(&fa);
        for (int i = 0; i < nargs; ++i)
            if (args[i] != argv[6 + i])
                free(args[i]);
        if (elapsed < 0) {
            fprintf(stderr, "coldstart: no 200 on port %d within 5 s; see %s\n", port, log);
            return 1;
        }
        printf("run %d: %.3f ms\n", run + 1, elapsed);
        ms[done++] = elapsed;
    }
    qsort(ms, (size_t)done, sizeof *ms, cmp);
    const double median = done % 2 ? ms[done / 2] : (ms[done / 2 - 1] + ms[done / 2]) / 2;
    printf("median_ms=%.3f min_ms=%.3f max_ms=%.3f runs=%d\n", median, ms[0], ms[done - 1], done);
    return 0;
}
