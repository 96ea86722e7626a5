#pragma once

namespace keel::aot {

// Headers the generated C compiles against, embedded when keel-aot is built so the
// object matches the contract this keel-aot was built for, whatever the machine has.
extern const char kWasmRtHeader[];     // wasm-rt.h of the wabt keel-aot links
extern const char kKeelAotAbiHeader[]; // abi/keelaotabi.h

} // namespace keel::aot
