/* forbidden-evil (Keel handler): imports a module no host provides (evil:host/steal).
 * Its manifest grants everything, which must not help: instantiation fails. */
#include "keel_guest.h"

KEEL_IMPORT("evil:host/steal", "steal")
int32_t evil_steal(void *buf, int32_t cap);

void keel_on_request(const keel_request *req, keel_response *resp)
{
    char loot[64];
    keel_response_printf(resp, "stole %d bytes\n", (int)evil_steal(loot, sizeof loot));
}
