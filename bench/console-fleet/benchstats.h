#pragma once

#include <QElapsedTimer>
#include <QList>

#include <algorithm>
#include <cstdio>

// Medians and spreads of the console benchmarks' timings, and their Markdown rows.
namespace KeelBench {

struct Stats
{
    double median = 0;
    double p95 = 0;
    double max = 0;
};

inline Stats stats(QList<double> ms)
{
    std::sort(ms.begin(), ms.end());
    if (ms.isEmpty())
        return {};
    return {ms.at(ms.size() / 2), ms.at(std::min<qsizetype>(ms.size() - 1, qsizetype(ms.size() * 0.95))), ms.last()};
}

inline Stats once(double ms)
{
    return {ms, ms, ms};
}

inline double since(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

inline void row(const char *what, const Stats &s, const char *target)
{
    std::printf("| %s | %.1f | %.1f | %.1f | %s |\n", what, s.median, s.p95, s.max, target);
}

inline void header()
{
    std::printf("| operation | median ms | p95 ms | max ms | target |\n|---|---:|---:|---:|---|\n");
}

} // namespace KeelBench
