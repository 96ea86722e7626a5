/* bigresponse-wagi (WAGI): writes a 100 MiB body to stdout. The runtime must stop
 * collecting at max_response_bytes and answer 502, not buffer all of it. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    static char chunk[64 * 1024];
    memset(chunk, 'x', sizeof chunk);
    printf("Content-Type: application/octet-stream\n\n");
    for (unsigned i = 0; i < (100u << 20) / sizeof chunk; ++i) {
        if (fwrite(chunk, 1, sizeof chunk, stdout) != sizeof chunk)
            return 1; /* the host refused more output */
    }
    return 0;
}
