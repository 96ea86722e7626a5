#include "manifestloader.h"

#include "manifestparser.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace keel::manifest {

namespace {

ManifestLoader::Result fileError(const std::filesystem::path &file, std::string reason)
{
    return {std::nullopt, {ManifestError{file, 0, {}, std::move(reason)}}};
}

bool isManifestName(const std::filesystem::path &file)
{
    const auto extension = file.extension();
    return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

} // namespace

ManifestLoader::Result ManifestLoader::load(const std::filesystem::path &file)
{
    return loadFile(file, nullptr);
}

ManifestLoader::Result ManifestLoader::parse(std::string_view text,
                                             const std::filesystem::path &origin,
                                             const std::filesystem::path &baseDir, bool checkFiles)
{
    ManifestParser parser(origin, baseDir, checkFiles);
    auto manifest = parser.parse(text);
    return {std::move(manifest), parser.errors()};
}

ManifestLoader::Result ManifestLoader::loadFile(const std::filesystem::path &file, int *nameLine)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        return fileError(file, "not a readable file");
    const auto size = std::filesystem::file_size(file, ec);
    if (ec)
        return fileError(file, "cannot read: " + ec.message());
    if (size > kMaxFileBytes)
        return fileError(file, "larger than " + std::to_string(kMaxFileBytes)
                                   + " bytes; a manifest is a few lines");
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (!(text << in.rdbuf()) && size > 0)
        return fileError(file, "cannot read the file");

    ManifestParser parser(file, file.parent_path(), true);
    auto manifest = parser.parse(text.str());
    if (nameLine)
        *nameLine = parser.nameLine();
    return {std::move(manifest), parser.errors()};
}

ManifestLoader::LoadReport ManifestLoader::loadDirectory(const std::filesystem::path &dir)
{
    LoadReport report;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        if (isManifestName(it->path()) && it->is_regular_file(typeError))
            files.push_back(it->path());
    }
    if (ec) {
        report.errors.push_back(ManifestError{dir, 0, {}, "cannot list directory: " + ec.message()});
        return report;
    }
    // Directory order is arbitrary; file-name order makes "the later file" well defined.
    std::sort(files.begin(), files.end());

    std::map<std::string, std::filesystem::path> owners; // component name -> its manifest
    for (const auto &file : files) {
        int nameLine = 0;
        Result result = loadFile(file, &nameLine);
        if (!result.ok()) {
            report.errors.insert(report.errors.end(), result.errors.begin(), result.errors.end());
            continue;
        }
        const auto [owner, added] = owners.emplace(result.manifest->name, file);
        if (!added) {
            report.errors.push_back(ManifestError{
                file, nameLine, "name",
                "duplicate component name '" + result.manifest->name + "', already defined by "
                    + owner->second.string()});
            continue;
        }
        report.manifests.push_back(std::move(*result.manifest));
    }
    return report;
}

} // namespace keel::manifest
