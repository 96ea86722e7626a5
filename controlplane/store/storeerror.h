#pragma once

#include <stdexcept>

namespace Keel {

// A store failure the caller cannot fix by changing its input (disk full, locked file,
// corrupt database). Thrown by Store implementations; request handlers turn it into an
// INTERNAL error and a counter, never a crash.
class StoreError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace Keel
