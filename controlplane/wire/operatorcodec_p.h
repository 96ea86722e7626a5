#pragma once

// Private to the codec layer: the parts of OperatorCodec that its two source files share.

#include "decoded.h"
#include "operatormessages.h"

#include "keel/v1/keel.pb.h"

namespace Keel::Proto {

Decoded<OperatorServerMessage> decodeWatchEvent(const keel::v1::WatchEvent &in);

} // namespace Keel::Proto
