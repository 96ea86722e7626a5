#pragma once

#include "registrytypes.h"

#include <variant>

namespace Keel {

// A component manifest file (YAML/JSON, the same file keel-agent --components reads) as a
// client pushes it: the Manifest and the path of its module, resolved against the file's
// folder. keelctl and the console read manifests through this one reader.
class ManifestFile final
{
public:
    struct Loaded
    {
        Manifest manifest;
        QString modulePath;
    };

    // The manifest, or every problem found, naming the file, the line and the field.
    static std::variant<Loaded, QString> load(const QString &path);
};

} // namespace Keel
