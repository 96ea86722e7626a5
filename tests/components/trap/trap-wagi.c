/* trap-wagi (WAGI): writes a partial response, then executes `unreachable`. The runtime
 * answers 500 and must not pass on the partial output. */
#include <stdio.h>

int main(void)
{
    printf("Content-Type: text/plain\n\nthis body must never reach a client\n");
    fflush(stdout);
    __builtin_trap();
}
