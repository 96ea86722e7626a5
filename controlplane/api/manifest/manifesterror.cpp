#include "manifesterror.h"

namespace keel::manifest {

std::string ManifestError::message() const
{
    std::string text = file.string();
    if (line > 0)
        text += ':' + std::to_string(line);
    text += ": ";
    if (!field.empty())
        text += field + ": ";
    return text + reason;
}

} // namespace keel::manifest
