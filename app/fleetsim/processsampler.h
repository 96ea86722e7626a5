#pragma once

#include <QtGlobal>

namespace keel::fleetsim {

// CPU time and memory of a process, from /proc/<pid>/stat and /proc/<pid>/status
// (0 = this process).
class ProcessSampler final
{
public:
    struct Sample
    {
        bool valid = false;
        double cpuSeconds = 0;   // user + system
        quint64 rssBytes = 0;    // VmRSS
        quint64 peakRssBytes = 0; // VmHWM
    };

    static Sample sample(qint64 pid);
    // Bytes the allocator has handed out and not had back (mallinfo2), this process.
    static quint64 heapInUse();
};

} // namespace keel::fleetsim
