/*
 * hello-quiet: resources/components/hello without its stderr line per request, for the
 * data plane benchmark's WAGI row (bench/run.sh). A plain WASI command: the request
 * arrives in CGI environment variables, the answer leaves on stdout.
 */
#include <stdio.h>
#include <stdlib.h>

static const char *env(const char *name, const char *fallback)
{
    const char *value = getenv(name);
    return value && *value ? value : fallback;
}

int main(void)
{
    const char *path = env("PATH_INFO", "/");
    const char *query = env("QUERY_STRING", "");

    printf("Content-Type: text/plain; charset=utf-8\n");
    printf("\n");
    printf("Hello from Keel on %s\n", env("SERVER_NAME", "an unnamed node"));
    printf("component %s, %s %s%s%s\n", env("X_KEEL_COMPONENT", "hello"),
           env("REQUEST_METHOD", "GET"), path, *query ? "?" : "", query);
    return 0;
}
