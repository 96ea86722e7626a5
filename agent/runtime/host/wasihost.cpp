#include "wasihost.h"

#include <sys/random.h>

#include <algorithm>
#include <chrono>

namespace keel::agent {

namespace {

// Empties a buffer a host keeps from one request to the next; a large body or answer
// once must not stay held by an idle host, so storage beyond 64 KiB is given back.
void clearKeepingSmall(std::string &buffer)
{
    if (buffer.capacity() > 64 * 1024)
        std::string().swap(buffer);
    else
        buffer.clear();
}

// WASI preview 1 errno values.
constexpr std::uint32_t kSuccess = 0;
constexpr std::uint32_t kBadf = 8;
constexpr std::uint32_t kFault = 21;
constexpr std::uint32_t kInval = 28;
constexpr std::uint32_t kIo = 29;
constexpr std::uint32_t kNosys = 52;
constexpr std::uint32_t kSpipe = 70;

constexpr std::uint64_t kRightFdRead = 1u << 1;
constexpr std::uint64_t kRightFdWrite = 1u << 6;

std::uint32_t u32(std::uint64_t v) { return std::uint32_t(v); }

} // namespace

WasiHost::WasiHost(Setup setup)
    : m_setup(std::move(setup))
{
    bindImports();
}

WasiHost::~WasiHost()
{
    flushPartialLines();
}

void WasiHost::flushPartialLines()
{
    // A guest that ends without a newline still gets its last words logged.
    if (m_setup.logLine) {
        if (!m_pendingStdout.empty())
            m_setup.logLine(m_pendingStdout);
        if (!m_pendingStderr.empty())
            m_setup.logLine(m_pendingStderr);
    }
    m_pendingStdout.clear();
    m_pendingStderr.clear();
}

void WasiHost::startRequest(std::string_view stdinBytes)
{
    flushPartialLines();
    clearKeepingSmall(m_setup.stdinBytes);
    m_setup.stdinBytes.assign(stdinBytes);
    m_stdinOffset = 0;
    clearKeepingSmall(m_stdout);
    m_stdoutOverflowed = false;
    std::fill(std::begin(m_closed), std::end(m_closed), false);
}

HostImport WasiHost::unsupported(const ImportRequest &request)
{
    return {request.module, request.name, request.params, request.results,
            [](GuestMemory &, const std::uint64_t *, std::uint64_t *results) {
                results[0] = kNosys;
                return HostOutcome::ok();
            }};
}

void WasiHost::bindImports()
{
    using V = ValType;
    const auto I = V::I32;
    auto add = [this](std::string name, std::vector<ValType> params, std::vector<ValType> results,
                      HostCallback call) {
        m_imports.push_back({std::string(kModule), std::move(name), std::move(params),
                             std::move(results), std::move(call)});
    };
    add("args_sizes_get", {I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = argsSizesGet(m, u32(a[0]), u32(a[1]));
        return HostOutcome::ok();
    });
    add("args_get", {I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = argsGet(m, u32(a[0]), u32(a[1]));
        return HostOutcome::ok();
    });
    add("environ_sizes_get", {I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = environSizesGet(m, u32(a[0]), u32(a[1]));
        return HostOutcome::ok();
    });
    add("environ_get", {I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = environGet(m, u32(a[0]), u32(a[1]));
        return HostOutcome::ok();
    });
    add("fd_write", {I, I, I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        HostOutcome outcome;
        r[0] = fdWrite(m, u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]), outcome);
        return outcome;
    });
    add("fd_read", {I, I, I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = fdRead(m, u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]));
        return HostOutcome::ok();
    });
    add("fd_close", {I}, {I}, [this](GuestMemory &, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = fdClose(u32(a[0]));
        return HostOutcome::ok();
    });
    add("fd_seek", {I, V::I64, I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = fdSeek(m, u32(a[0]), u32(a[3]));
        return HostOutcome::ok();
    });
    add("fd_fdstat_get", {I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = fdFdstatGet(m, u32(a[0]), u32(a[1]));
        return HostOutcome::ok();
    });
    // No preopened directories: EBADF ends wasi-libc's preopen scan at fd 3.
    for (const char *name : {"fd_prestat_get"})
        add(name, {I, I}, {I}, [](GuestMemory &, const std::uint64_t *, std::uint64_t *r) {
            r[0] = kBadf;
            return HostOutcome::ok();
        });
    add("fd_prestat_dir_name", {I, I, I}, {I}, [](GuestMemory &, const std::uint64_t *, std::uint64_t *r) {
        r[0] = kBadf;
        return HostOutcome::ok();
    });
    add("clock_time_get", {I, V::I64, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = clockTimeGet(m, u32(a[0]), u32(a[2]));
        return HostOutcome::ok();
    });
    add("clock_res_get", {I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = clockResGet(m, u32(a[0]), u32(a[1]));
        return HostOutcome::ok();
    });
    add("random_get", {I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        r[0] = randomGet(m, u32(a[0]), u32(a[1]));
        return HostOutcome::ok();
    });
    add("sched_yield", {}, {I}, [](GuestMemory &, const std::uint64_t *, std::uint64_t *r) {
        r[0] = kSuccess;
        return HostOutcome::ok();
    });
    add("proc_exit", {I}, {}, [](GuestMemory &, const std::uint64_t *a, std::uint64_t *) {
        return HostOutcome::exit(int(u32(a[0])));
    });
}

std::uint32_t WasiHost::listSizes(GuestMemory &m, const std::vector<std::string> &list,
                                  std::uint32_t countPtr, std::uint32_t sizePtr)
{
    std::uint64_t bytes = 0;
    for (const auto &s : list)
        bytes += s.size() + 1;
    if (bytes > UINT32_MAX)
        return kInval;
    return m.writeU32(countPtr, std::uint32_t(list.size())) && m.writeU32(sizePtr, std::uint32_t(bytes))
               ? kSuccess
               : kFault;
}

std::uint32_t WasiHost::listGet(GuestMemory &m, const std::vector<std::string> &list,
                                std::uint32_t arrayPtr, std::uint32_t bufPtr)
{
    std::uint64_t at = bufPtr;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string &s = list[i];
        if (at + s.size() + 1 > UINT32_MAX || !m.writeU32(std::uint32_t(arrayPtr + 4 * i), std::uint32_t(at))
            || !m.write(std::uint32_t(at), std::string_view(s.c_str(), s.size() + 1)))
            return kFault;
        at += s.size() + 1;
    }
    return kSuccess;
}

std::uint32_t WasiHost::argsSizesGet(GuestMemory &m, std::uint32_t countPtr, std::uint32_t sizePtr)
{
    return listSizes(m, m_setup.args, countPtr, sizePtr);
}

std::uint32_t WasiHost::argsGet(GuestMemory &m, std::uint32_t argvPtr, std::uint32_t bufPtr)
{
    return listGet(m, m_setup.args, argvPtr, bufPtr);
}

std::uint32_t WasiHost::environSizesGet(GuestMemory &m, std::uint32_t countPtr, std::uint32_t sizePtr)
{
    return listSizes(m, m_setup.environment, countPtr, sizePtr);
}

std::uint32_t WasiHost::environGet(GuestMemory &m, std::uint32_t envPtr, std::uint32_t bufPtr)
{
    return listGet(m, m_setup.environment, envPtr, bufPtr);
}

void WasiHost::logBytes(std::string &pending, std::string_view bytes)
{
    pending.append(bytes);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        if (m_setup.logLine)
            m_setup.logLine(std::string_view(pending).substr(start, nl - start));
    }
    pending.erase(0, start);
    // A guest that never writes a newline must not grow the agent without bound.
    if (pending.size() > 4096) {
        if (m_setup.logLine)
            m_setup.logLine(pending);
        pending.clear();
    }
}

std::uint32_t WasiHost::fdWrite(GuestMemory &m, std::uint32_t fd, std::uint32_t iovs,
                                std::uint32_t iovsLen, std::uint32_t writtenPtr, HostOutcome &outcome)
{
    if (fd != 1 && fd != 2)
        return kBadf;
    if (m_closed[fd])
        return kBadf;
    std::uint64_t total = 0;
    for (std::uint32_t i = 0; i < iovsLen; ++i) {
        std::uint32_t buf = 0, len = 0;
        if (!m.readU32(iovs + 8 * i, buf) || !m.readU32(iovs + 8 * i + 4, len))
            return kFault;
        const auto bytes = m.view(buf, len);
        if (!bytes)
            return kFault;
        if (fd == 1 && m_setup.stdoutMode == StdoutMode::Capture) {
            if (m_stdout.size() + bytes->size() > m_setup.maxStdoutBytes) {
                // Stop the guest at once rather than letting it burn its deadline.
                m_stdoutOverflowed = true;
                outcome = HostOutcome::trap("response exceeds max_response_bytes ("
                                            + std::to_string(m_setup.maxStdoutBytes) + ")");
                return kIo;
            }
            m_stdout.append(*bytes);
        } else {
            logBytes(fd == 1 ? m_pendingStdout : m_pendingStderr, *bytes);
        }
        total += len;
    }
    return m.writeU32(writtenPtr, std::uint32_t(total)) ? kSuccess : kFault;
}

std::uint32_t WasiHost::fdRead(GuestMemory &m, std::uint32_t fd, std::uint32_t iovs,
                               std::uint32_t iovsLen, std::uint32_t readPtr)
{
    if (fd != 0 || m_closed[0])
        return kBadf;
    std::uint32_t total = 0;
    for (std::uint32_t i = 0; i < iovsLen; ++i) {
        std::uint32_t buf = 0, len = 0;
        if (!m.readU32(iovs + 8 * i, buf) || !m.readU32(iovs + 8 * i + 4, len))
            return kFault;
        const std::size_t n = std::min<std::size_t>(len, m_setup.stdinBytes.size() - m_stdinOffset);
        if (!m.write(buf, std::string_view(m_setup.stdinBytes).substr(m_stdinOffset, n)))
            return kFault;
        m_stdinOffset += n;
        total += std::uint32_t(n);
        if (n < len)
            break;
    }
    return m.writeU32(readPtr, total) ? kSuccess : kFault;
}

std::uint32_t WasiHost::fdClose(std::uint32_t fd)
{
    if (fd > 2 || m_closed[fd])
        return kBadf;
    m_closed[fd] = true;
    return kSuccess;
}

std::uint32_t WasiHost::fdSeek(GuestMemory &, std::uint32_t fd, std::uint32_t)
{
    return fd <= 2 ? kSpipe : kBadf;
}

std::uint32_t WasiHost::fdFdstatGet(GuestMemory &m, std::uint32_t fd, std::uint32_t statPtr)
{
    if (fd > 2 || m_closed[fd])
        return kBadf;
    // Filetype "unknown" rather than a character device: libc then buffers stdout fully,
    // as a CGI program's output should be.
    const std::uint64_t rights = fd == 0 ? kRightFdRead : kRightFdWrite;
    const bool ok = m.writeU8(statPtr, 0) && m.writeU8(statPtr + 1, 0) && m.writeU16(statPtr + 2, 0)
                    && m.writeU32(statPtr + 4, 0) && m.writeU64(statPtr + 8, rights)
                    && m.writeU64(statPtr + 16, 0);
    return ok ? kSuccess : kFault;
}

std::uint32_t WasiHost::clockTimeGet(GuestMemory &m, std::uint32_t clockId, std::uint32_t timePtr)
{
    std::uint64_t ns = 0;
    if (clockId == 0) {
        ns = std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
    } else if (clockId <= 3) { // monotonic, process and thread CPU time
        ns = std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count());
    } else {
        return kInval;
    }
    return m.writeU64(timePtr, ns) ? kSuccess : kFault;
}

std::uint32_t WasiHost::clockResGet(GuestMemory &m, std::uint32_t clockId, std::uint32_t resPtr)
{
    if (clockId > 3)
        return kInval;
    return m.writeU64(resPtr, 1000) ? kSuccess : kFault;
}

std::uint32_t WasiHost::randomGet(GuestMemory &m, std::uint32_t bufPtr, std::uint32_t len)
{
    std::uint8_t *p = m.writable(bufPtr, len);
    if (!p)
        return kFault;
    for (std::uint32_t done = 0; done < len;) {
        const ssize_t n = ::getrandom(p + done, len - done, 0);
        if (n <= 0)
            return kIo;
        done += std::uint32_t(n);
    }
    return kSuccess;
}

} // namespace keel::agent
