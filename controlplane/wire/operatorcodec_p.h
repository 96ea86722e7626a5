#pragma once

// Private to the codec layer: the parts of OperatorCodec that its source files share.

#include "decoded.h"
#include "operatormessages.h"

#include "keel/v1/keel.pb.h"

namespace Keel::Proto {

Decoded<OperatorServerMessage> decodeWatchEvent(const keel::v1::WatchEvent &in);
Decoded<OperatorServerMessage> decodeResponse(quint64 id, const keel::v1::OperatorResponse &in);

} // namespace Keel::Proto
