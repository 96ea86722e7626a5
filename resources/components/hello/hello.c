/*
 * hello: the smallest WAGI component. A plain WASI command: the request arrives in CGI
 * environment variables (and the body on stdin), the answer leaves on stdout as CGI
 * headers, a blank line, then the body.
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
#ifndef HELLO_QUIET /* bench/run.sh's hello-quiet: the same guest without it */
    /* stderr goes to the agent's log: handy for seeing that the component ran. */
    fprintf(stderr, "hello: served %s\n", path);
#endif
    return 0;
}
