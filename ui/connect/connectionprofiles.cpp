#include "connectionprofiles.h"

#include <QSettings>

#include <algorithm>

namespace Keel {

namespace {

const QString kGroup = QStringLiteral("connections");

} // namespace

ConnectionProfiles::ConnectionProfiles(QSettings *settings)
    : m_settings(settings)
{
}

QList<ConnectionProfiles::Profile> ConnectionProfiles::profiles() const
{
    QList<Profile> list;
    const int count = m_settings->beginReadArray(kGroup);
    for (int i = 0; i < count && i < kMaxProfiles; ++i) {
        m_settings->setArrayIndex(i);
        Profile p;
        p.server = m_settings->value(QStringLiteral("server")).toString();
        p.caFile = m_settings->value(QStringLiteral("caFile")).toString();
        p.rememberToken = m_settings->value(QStringLiteral("rememberToken")).toBool();
        p.lastUsed = m_settings->value(QStringLiteral("lastUsed")).toDateTime();
        if (!p.server.isEmpty())
            list.append(p);
    }
    m_settings->endArray();
    std::stable_sort(list.begin(), list.end(), [](const Profile &a, const Profile &b) { return a.lastUsed > b.lastUsed; });
    return list;
}

std::optional<ConnectionProfiles::Profile> ConnectionProfiles::find(const QString &server) const
{
    for (const Profile &p : profiles()) {
        if (p.server == server)
            return p;
    }
    return std::nullopt;
}

void ConnectionProfiles::remember(Profile profile)
{
    if (!profile.lastUsed.isValid())
        profile.lastUsed = QDateTime::currentDateTimeUtc();
    QList<Profile> list = profiles();
    list.removeIf([&profile](const Profile &p) { return p.server == profile.server; });
    list.prepend(profile);
    store(list.mid(0, kMaxProfiles));
}

void ConnectionProfiles::forget(const QString &server)
{
    QList<Profile> list = profiles();
    list.removeIf([&server](const Profile &p) { return p.server == server; });
    store(list);
}

void ConnectionProfiles::store(const QList<Profile> &profiles)
{
    m_settings->remove(kGroup);
    m_settings->beginWriteArray(kGroup, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        m_settings->setArrayIndex(i);
        m_settings->setValue(QStringLiteral("server"), profiles.at(i).server);
        m_settings->setValue(QStringLiteral("caFile"), profiles.at(i).caFile);
        m_settings->setValue(QStringLiteral("rememberToken"), profiles.at(i).rememberToken);
        m_settings->setValue(QStringLiteral("lastUsed"), profiles.at(i).lastUsed);
    }
    m_settings->endArray();
    m_settings->sync();
}

} // namespace Keel
