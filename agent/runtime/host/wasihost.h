#pragma once

#include "hostimport.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

// The WASI preview 1 subset guests built with wasi-libc use: arguments, environment,
// stdin/stdout/stderr, clocks, random bytes and proc_exit. There is no file system: the
// rest answer ENOSYS or EBADF, so libc's start-up probes (preopens) end cleanly.
// One object per guest instance; not thread-safe (an instance runs on one thread).
class WasiHost final
{
public:
    enum class StdoutMode { Capture, Log };
    using LineSink = std::function<void(std::string_view line)>;

    struct Setup
    {
        std::vector<std::string> args;
        std::vector<std::string> environment; // "KEY=VALUE"
        std::string stdinBytes;
        StdoutMode stdoutMode = StdoutMode::Capture;
        std::size_t maxStdoutBytes = 8 * 1024 * 1024;
        LineSink logLine; // stderr always, stdout too in Log mode
    };

    explicit WasiHost(Setup setup);
    ~WasiHost();
    WasiHost(const WasiHost &) = delete;
    WasiHost &operator=(const WasiHost &) = delete;

    static constexpr std::string_view kModule = "wasi_snapshot_preview1";

    // Every function this host provides, bound to this object.
    const std::vector<HostImport> &imports() const { return m_imports; }
    // A stub for a WASI function outside the subset: answers ENOSYS. Only for imports that
    // return one i32 (every preview 1 function but proc_exit does).
    static HostImport unsupported(const ImportRequest &request);

    // Starts another request on this host, kept with its bound functions from one request
    // to the next: this environment and stdin, an empty stdout, every stream open again.
    // The environment is what the caller wrote into requestEnvironment() (the strings of
    // the last request's, reused).
    void startRequest(std::string_view stdinBytes);
    std::vector<std::string> &requestEnvironment() { return m_setup.environment; }
    // Logs what the guest left on stdout (Log mode) or stderr without a newline, as the
    // destructor does; for a host that outlives the request.
    void flushPartialLines();
    const std::string &stdoutBytes() const { return m_stdout; }
    // True once the guest tried to write more than maxStdoutBytes to stdout.
    bool stdoutOverflowed() const { return m_stdoutOverflowed; }

    // Typed entry points, for tiers that call host functions directly. Each returns a
    // WASI errno (0 on success).
    std::uint32_t argsSizesGet(GuestMemory &m, std::uint32_t countPtr, std::uint32_t sizePtr);
    std::uint32_t argsGet(GuestMemory &m, std::uint32_t argvPtr, std::uint32_t bufPtr);
    std::uint32_t environSizesGet(GuestMemory &m, std::uint32_t countPtr, std::uint32_t sizePtr);
    std::uint32_t environGet(GuestMemory &m, std::uint32_t envPtr, std::uint32_t bufPtr);
    std::uint32_t fdWrite(GuestMemory &m, std::uint32_t fd, std::uint32_t iovs,
                          std::uint32_t iovsLen, std::uint32_t writtenPtr, HostOutcome &outcome);
    std::uint32_t fdRead(GuestMemory &m, std::uint32_t fd, std::uint32_t iovs,
                         std::uint32_t iovsLen, std::uint32_t readPtr);
    std::uint32_t fdClose(std::uint32_t fd);
    std::uint32_t fdSeek(GuestMemory &m, std::uint32_t fd, std::uint32_t newOffsetPtr);
    std::uint32_t fdFdstatGet(GuestMemory &m, std::uint32_t fd, std::uint32_t statPtr);
    std::uint32_t clockTimeGet(GuestMemory &m, std::uint32_t clockId, std::uint32_t timePtr);
    std::uint32_t clockResGet(GuestMemory &m, std::uint32_t clockId, std::uint32_t resPtr);
    std::uint32_t randomGet(GuestMemory &m, std::uint32_t bufPtr, std::uint32_t len);

private:
    void bindImports();
    std::uint32_t listSizes(GuestMemory &m, const std::vector<std::string> &list,
                            std::uint32_t countPtr, std::uint32_t sizePtr);
    std::uint32_t listGet(GuestMemory &m, const std::vector<std::string> &list,
                          std::uint32_t arrayPtr, std::uint32_t bufPtr);
    void logBytes(std::string &pending, std::string_view bytes);

    Setup m_setup;
    std::size_t m_stdinOffset = 0;
    std::string m_stdout;
    bool m_stdoutOverflowed = false;
    bool m_closed[3] = {false, false, false};
    std::string m_pendingStdout; // partial log lines
    std::string m_pendingStderr;
    std::vector<HostImport> m_imports;
};

} // namespace keel::agent
