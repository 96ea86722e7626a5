#include "keelabi.h"

namespace keel::agent {

namespace {

void putU32(std::string &out, std::uint32_t v)
{
    // Little-endian, as the guest reads it; four bytes at once, not four push_backs.
    const char bytes[4] = {char(std::uint8_t(v)), char(std::uint8_t(v >> 8)), char(std::uint8_t(v >> 16)),
                           char(std::uint8_t(v >> 24))};
    out.append(bytes, sizeof bytes);
}

void putBytes(std::string &out, std::string_view bytes)
{
    putU32(out, std::uint32_t(bytes.size()));
    out.append(bytes);
}

// Reads from guest-produced bytes; every read is bounds-checked.
struct Reader
{
    std::string_view bytes;
    std::size_t at = 0;

    bool u32(std::uint32_t &v)
    {
        if (bytes.size() - at < 4)
            return false;
        v = 0;
        for (int i = 0; i < 4; ++i)
            v |= std::uint32_t(std::uint8_t(bytes[at + i])) << (8 * i);
        at += 4;
        return true;
    }
    bool string(std::string_view &s)
    {
        std::uint32_t len = 0;
        if (!u32(len) || bytes.size() - at < len)
            return false;
        s = bytes.substr(at, len);
        at += len;
        return true;
    }
};

} // namespace

std::string KeelAbi::encodeRequest(const ComponentRequest &request)
{
    std::string out;
    encodeRequest(request, out);
    return out;
}

void KeelAbi::encodeRequest(const ComponentRequest &request, std::string &out)
{
    out.clear();
    std::size_t size = 20 + request.method.size() + request.path.size() + request.query.size()
                       + request.body.size();
    for (const auto &[n, v] : request.headers)
        size += 8 + n.size() + v.size();
    out.reserve(size);
    putBytes(out, request.method);
    putBytes(out, request.path);
    putBytes(out, request.query);
    putU32(out, std::uint32_t(request.headers.size()));
    for (const auto &[name, value] : request.headers) {
        putBytes(out, name);
        putBytes(out, value);
    }
    putBytes(out, request.body);
}

bool KeelAbi::decodeResponse(std::string_view bytes, ComponentResponse &response, std::string &error)
{
    Reader reader{bytes};
    std::uint32_t status = 0, count = 0;
    if (!reader.u32(status) || !reader.u32(count)) {
        error = "response shorter than its status and header count";
        return false;
    }
    if (status < 100 || status > 599) {
        error = "response status " + std::to_string(status) + " is not an HTTP status";
        return false;
    }
    if (status < 200) {
        error = "response status " + std::to_string(status)
                + " is an interim status; keel_handle must answer with a final one (200-599)";
        return false;
    }
    response.status = status;
    response.headers.clear();
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string_view name, value;
        if (!reader.string(name) || !reader.string(value)) {
            error = "response header " + std::to_string(i) + " runs past the response";
            return false;
        }
        if (!isGuestHeaderValid(name, value)) {
            error = "response header " + std::to_string(i) + " is not valid HTTP";
            return false;
        }
        if (!isServerOwnedHeader(name))
            response.headers.emplace_back(std::string(name), std::string(value));
    }
    std::string_view body;
    if (!reader.string(body)) {
        error = "response body runs past the response";
        return false;
    }
    response.body.assign(body);
    return true;
}

} // namespace keel::agent
