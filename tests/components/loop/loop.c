/* loop (Keel handler): never returns from the handler. The runtime must stop it at the
 * manifest's deadline (504) and keep serving other components meanwhile. */
#include "keel_guest.h"

void keel_on_request(const keel_request *req, keel_response *resp)
{
    /* volatile: the loop must survive -O2 and stay observable work for the interpreter. */
    volatile uint64_t spins = 0;
    for (;;)
        ++spins;
}
