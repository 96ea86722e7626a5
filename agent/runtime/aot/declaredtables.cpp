#include "declaredtables.h"

#include <wabt/binary-reader-nop.h>
#include <wabt/binary-reader.h>
#include <wabt/feature.h>

namespace keel::agent {

namespace {

class TableReader final : public wabt::BinaryReaderNop
{
public:
    DeclaredTables::Largest largest;

    // Stopping early is an "error" to the reader; handled here, so it prints nothing.
    bool OnError(const wabt::Error &) override { return true; }

    wabt::Result BeginSection(wabt::Index, wabt::BinarySection section, wabt::Offset) override
    {
        // Sections come in order; once past the table section there is nothing to learn.
        const bool after = section != wabt::BinarySection::Custom && section != wabt::BinarySection::Type
                           && section != wabt::BinarySection::Import && section != wabt::BinarySection::Function
                           && section != wabt::BinarySection::Table;
        return after ? wabt::Result::Error : wabt::Result::Ok;
    }
    wabt::Result OnImportTable(wabt::Index, std::string_view, std::string_view, wabt::Index index, wabt::Type,
                               const wabt::Limits *limits) override
    {
        note(index, *limits);
        return wabt::Result::Ok;
    }
    wabt::Result OnTable(wabt::Index index, wabt::Type, const wabt::Limits *limits) override
    {
        note(index, *limits);
        return wabt::Result::Ok;
    }

private:
    void note(wabt::Index index, const wabt::Limits &limits)
    {
        if (limits.initial > largest.initial)
            largest = {index, limits.initial};
    }
};

} // namespace

DeclaredTables::Largest DeclaredTables::largest(std::span<const std::uint8_t> module)
{
    TableReader reader;
    const wabt::Features features;
    const wabt::ReadBinaryOptions options(features, nullptr, false, false, false);
    // Stopping early reads as an error; what was seen before it is what counts.
    (void)wabt::ReadBinary(module.data(), module.size(), &reader, options);
    return reader.largest;
}

} // namespace keel::agent
