/*
 * recurse (Keel handler): unbounded recursion.
 *   GET /recurse/             small frames: exhausts the engine's call stack (the one
 *                             that would be the native stack in AOT code)
 *   GET /recurse/?frames=big  4 KiB frames in linear memory: exhausts the shadow stack,
 *                             which --stack-first places below the data, so it traps
 * Either way the runtime answers 500 and the agent survives.
 */
#include "keel_guest.h"

#include <stdint.h>

/* A division after the call keeps it out of tail position, and unlike + or * it has no
 * accumulator form, so neither clang (to wasm) nor gcc (on the AOT tier's C) can turn the
 * recursion into a loop; the stop condition depends on input, so neither can prove it
 * never returns. */
__attribute__((noinline)) static uint32_t descend(uint32_t depth, uint32_t stop)
{
    if (depth == stop)
        return depth;
    return descend(depth + 1, stop) / 3u + depth;
}

__attribute__((noinline)) static uint32_t descend_big(uint32_t depth, uint32_t stop)
{
    volatile uint8_t frame[4096];
    frame[depth % sizeof frame] = (uint8_t)depth;
    if (depth == stop)
        return depth;
    return descend_big(depth + 1, stop) * 31u + frame[(depth * 7) % sizeof frame];
}

void keel_on_request(const keel_request *req, keel_response *resp)
{
    /* Never reached in practice (four billion frames), but unknown to the compiler. */
    const uint32_t stop = UINT32_MAX - req->body_len;
    keel_str frames;
    const uint32_t r = keel_request_query(req, "frames", &frames) && keel_str_eq(frames, "big")
                           ? descend_big(0, stop)
                           : descend(0, stop);
    keel_response_printf(resp, "returned %u: the engine has no call-depth limit\n", r);
}
