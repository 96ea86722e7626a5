/* trap (Keel handler): executes `unreachable`. The runtime answers 500, logs the trap,
 * and serves the next request from a fresh instance. */
#include "keel_guest.h"

void keel_on_request(const keel_request *req, keel_response *resp)
{
    keel_response_print(resp, "this body must never reach a client\n");
    __builtin_trap();
}
