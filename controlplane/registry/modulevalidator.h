#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Keel {

// Checks that bytes are a WebAssembly module WABT accepts (decoding and validation with
// the default feature set, the one both tiers run). Cheap next to an AOT build, so it
// runs on push, before anything is stored.
class ModuleValidator final
{
public:
    // nullopt when valid; otherwise WABT's message (offsets and reasons), trimmed.
    static std::optional<QString> check(QByteArrayView module);
};

} // namespace Keel
