#include "aotmetadata.h"

#include <charconv>
#include <map>

namespace keel::aot {

std::string AotMetadata::serialize() const
{
    std::string out;
    auto line = [&out](std::string_view key, std::string_view value) {
        out.append(key).append("=").append(value).append("\n");
    };
    line("keel-aot-format", std::to_string(format));
    line("abi", std::to_string(abiVersion));
    line("module-digest", moduleDigest);
    line("target", target);
    line("wabt", wabtVersion);
    line("module-name", moduleName);
    line("memory-checks", memoryChecks);
    return out;
}

std::optional<AotMetadata> AotMetadata::parse(std::string_view text, std::string *error)
{
    std::map<std::string, std::string, std::less<>> fields;
    while (!text.empty()) {
        const size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (line.empty())
            continue;
        const size_t eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            *error = "malformed metadata line '" + std::string(line) + "'";
            return std::nullopt;
        }
        fields.emplace(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }

    auto number = [&](std::string_view key, int *out) {
        const auto it = fields.find(key);
        if (it == fields.end())
            return false;
        const auto [ptr, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), *out);
        return ec == std::errc() && ptr == it->second.data() + it->second.size();
    };
    AotMetadata m;
    if (!number("keel-aot-format", &m.format)) {
        *error = "no keel-aot-format in the metadata";
        return std::nullopt;
    }
    if (m.format != kFormatVersion) {
        *error = "metadata format " + std::to_string(m.format) + " is not the supported "
                 + std::to_string(kFormatVersion);
        return std::nullopt;
    }
    if (!number("abi", &m.abiVersion)) {
        *error = "no abi version in the metadata";
        return std::nullopt;
    }
    for (auto [key, field] : {std::pair{"module-digest", &m.moduleDigest}, std::pair{"target", &m.target},
                              std::pair{"wabt", &m.wabtVersion}, std::pair{"module-name", &m.moduleName},
                              std::pair{"memory-checks", &m.memoryChecks}}) {
        const auto it = fields.find(std::string_view(key));
        if (it == fields.end() || it->second.empty()) {
            *error = std::string("no ") + key + " in the metadata";
            return std::nullopt;
        }
        *field = it->second;
    }
    return m;
}

} // namespace keel::aot
