#pragma once

#include "decoded.h"
#include "operatormessages.h"

#include <QByteArray>
#include <QByteArrayView>

namespace Keel {

// keel.v1 <-> domain for the /v1/operator path, both directions. Decoders treat their
// input as untrusted: anything malformed comes back as a Decoded failure with a reason.
class OperatorCodec final
{
public:
    // client -> server
    static QByteArray encodeRequest(const OperatorRequest &request);
    static Decoded<OperatorRequest> decodeRequest(QByteArrayView frame);

    // server -> client
    static QByteArray encodeResponse(const OperatorResponse &response);
    static QByteArray encodeEvent(const WatchEvent &event);
    static Decoded<OperatorServerMessage> decodeServerMessage(QByteArrayView frame);
};

} // namespace Keel
