/* forbidden (Keel handler): imports keel:platform/kv.get, but its manifest grants
 * nothing. Instantiation must fail with a message naming the import; nothing runs. */
#include "keel_guest.h"

void keel_on_request(const keel_request *req, keel_response *resp)
{
    char value[64];
    const int32_t n = keel_kv_get("secret", 6, value, sizeof value);
    keel_response_printf(resp, "read %d bytes without a grant\n", (int)n);
}
