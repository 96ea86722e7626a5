#include "processsampler.h"

#include <QFile>
#include <QString>

#include <malloc.h>
#include <unistd.h>

namespace keel::fleetsim {

ProcessSampler::Sample ProcessSampler::sample(qint64 pid)
{
    const QString base = pid > 0 ? QStringLiteral("/proc/%1/").arg(pid) : QStringLiteral("/proc/self/");
    Sample s;
    QFile stat(base + QStringLiteral("stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return s;
    // Fields after the command name (which may hold spaces, so after the last ')'):
    // state is field 3; utime and stime are fields 14 and 15.
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return s;
    const double ticks = double(::sysconf(_SC_CLK_TCK));
    s.cpuSeconds = (fields[11].toDouble() + fields[12].toDouble()) / ticks;
    QFile status(base + QStringLiteral("status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &row : status.readAll().split('\n')) {
            const auto kib = [&] { return row.mid(row.indexOf(':') + 1).trimmed().split(' ').value(0).toULongLong() * 1024; };
            if (row.startsWith("VmRSS:"))
                s.rssBytes = kib();
            else if (row.startsWith("VmHWM:"))
                s.peakRssBytes = kib();
        }
    }
    s.valid = true;
    return s;
}

quint64 ProcessSampler::heapInUse()
{
    const struct mallinfo2 info = ::mallinfo2();
    return quint64(info.uordblks) + quint64(info.hblkhd);
}

} // namespace keel::fleetsim
