#include "componentregistrymodel.h"

#include "aotstatestyle.h"
#include "common/relativetime.h"

#include <QLocale>

#include <algorithm>

namespace Keel {

namespace {

QString sizeText(quint64 bytes)
{
    return QLocale().toString(double(bytes) / 1024.0, 'f', 1);
}

QString joined(const QStringList &items)
{
    return items.isEmpty() ? QStringLiteral("—") : items.join(QStringLiteral(", "));
}

// Newest push first; the version number breaks ties (pushed in the same millisecond).
bool newerFirst(const ComponentVersion &a, const ComponentVersion &b)
{
    if (a.pushed != b.pushed)
        return a.pushed > b.pushed;
    return a.manifest.version > b.manifest.version;
}

} // namespace

ComponentRegistryModel::ComponentRegistryModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

QModelIndex ComponentRegistryModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < m_components.size() ? createIndex(row, column, quintptr(0)) : QModelIndex();
    if (parent.internalId() != 0 || parent.row() >= m_components.size())
        return {};
    const Component &component = m_components.at(parent.row());
    return row < component.versions.size() ? createIndex(row, column, component.id) : QModelIndex();
}

QModelIndex ComponentRegistryModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    const int row = componentRowById(child.internalId());
    return row < 0 ? QModelIndex() : createIndex(row, 0, quintptr(0));
}

int ComponentRegistryModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_components.size());
    if (parent.internalId() != 0 || parent.column() != 0)
        return 0;
    return int(m_components.at(parent.row()).versions.size());
}

int ComponentRegistryModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ComponentRegistryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == 0)
        return componentData(m_components.at(index.row()), index.column(), role);
    const int row = componentRowById(index.internalId());
    if (row < 0)
        return {};
    return versionData(m_components.at(row).versions.at(index.row()), index.column(), role);
}

QVariant ComponentRegistryModel::componentData(const Component &component, int column, int role) const
{
    const ComponentVersion &newest = component.versions.constFirst();
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return component.name;
        if (column == AotColumn)
            return component.versions.size() == 1 ? tr("1 version") : tr("%1 versions").arg(component.versions.size());
        if (column == PushedColumn)
            return formatAge(newest.pushed, m_clock());
        return {};
    case Qt::ToolTipRole:
        return tr("%1: %2 version(s), newest %3").arg(component.name).arg(component.versions.size()).arg(newest.manifest.version);
    case NameRole:
        return component.name;
    case VersionRole:
        return QString();
    case SortRole:
        return column == PushedColumn ? QVariant(newest.pushed) : QVariant(component.name);
    default:
        return {};
    }
}

QVariant ComponentRegistryModel::versionData(const ComponentVersion &v, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn: return v.manifest.version;
        case AotColumn: return AotStateStyle::word(v.aotState);
        case AbiColumn: return toText(v.manifest.abi);
        case SizeColumn: return sizeText(v.moduleSize);
        case DigestColumn: return v.moduleDigest.left(19); // "sha256:" and 12 hex digits
        case DataClassesColumn: return joined(v.manifest.dataClasses);
        case GrantsColumn: return joined(v.manifest.grants);
        case PushedColumn: return formatAge(v.pushed, m_clock());
        case PushedByColumn: return v.pushedBy;
        }
        return {};
    case Qt::DecorationRole:
        return column == AotColumn ? QVariant(AotStateStyle::color(v.aotState)) : QVariant();
    case Qt::ToolTipRole:
        switch (column) {
        case AotColumn: return AotStateStyle::sentence(v);
        case DigestColumn: return v.moduleDigest;
        case SizeColumn: return tr("%1 bytes").arg(QLocale().toString(v.moduleSize));
        case PushedColumn: return QLocale().toString(v.pushed.toLocalTime(), QLocale::LongFormat);
        default: return QStringLiteral("%1@%2").arg(v.manifest.name, v.manifest.version);
        }
    case Qt::TextAlignmentRole:
        return column == SizeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case NameRole:
        return v.manifest.name;
    case VersionRole:
        return v.manifest.version;
    case AotStateRole:
        return int(v.aotState);
    case SortRole:
        switch (column) {
        case AotColumn: return int(v.aotState);
        case SizeColumn: return v.moduleSize;
        case PushedColumn: return v.pushed;
        default: return versionData(v, column, Qt::DisplayRole);
        }
    default:
        return {};
    }
}

QVariant ComponentRegistryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == SizeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Component / version");
    case AotColumn: return tr("AOT build");
    case AbiColumn: return tr("ABI");
    case SizeColumn: return tr("Size (KiB)");
    case DigestColumn: return tr("Digest");
    case DataClassesColumn: return tr("Data classes");
    case GrantsColumn: return tr("Grants");
    case PushedColumn: return tr("Pushed");
    case PushedByColumn: return tr("By");
    }
    return {};
}

QHash<int, QByteArray> ComponentRegistryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(VersionRole, "version");
    names.insert(AotStateRole, "aotState");
    names.insert(SortRole, "sort");
    return names;
}

void ComponentRegistryModel::setVersions(const QList<ComponentVersion> &versions)
{
    beginResetModel();
    m_components.clear();
    for (const ComponentVersion &v : versions) {
        int row = componentRow(v.manifest.name);
        if (row < 0) {
            const auto at = std::lower_bound(m_components.begin(), m_components.end(), v.manifest.name,
                                             [](const Component &c, const QString &name) { return c.name < name; });
            row = int(at - m_components.begin());
            m_components.insert(row, Component{m_nextId++, v.manifest.name, {}});
        }
        Component &component = m_components[row];
        const int existing = versionRow(component, v.manifest.version);
        if (existing >= 0)
            component.versions.removeAt(existing);
        component.versions.insert(insertionRow(component, v), v);
    }
    endResetModel();
    emit countsChanged();
}

void ComponentRegistryModel::upsertVersion(const ComponentVersion &v)
{
    int row = componentRow(v.manifest.name);
    if (row < 0) {
        const auto at = std::lower_bound(m_components.begin(), m_components.end(), v.manifest.name,
                                         [](const Component &c, const QString &name) { return c.name < name; });
        row = int(at - m_components.begin());
        beginInsertRows({}, row, row);
        m_components.insert(row, Component{m_nextId++, v.manifest.name, {v}});
        endInsertRows();
        emit countsChanged();
        return;
    }
    Component &component = m_components[row];
    const QModelIndex parentIndex = index(row, 0);
    const int existing = versionRow(component, v.manifest.version);
    if (existing >= 0 && component.versions.at(existing).pushed == v.pushed) {
        if (component.versions.at(existing) != v) {
            component.versions[existing] = v;
            emit dataChanged(index(existing, 0, parentIndex), index(existing, ColumnCount - 1, parentIndex));
        }
        return;
    }
    // New (or replaced with another push time, which moves it): remove, then insert in order.
    if (existing >= 0) {
        beginRemoveRows(parentIndex, existing, existing);
        component.versions.removeAt(existing);
        endRemoveRows();
    }
    const int at = insertionRow(component, v);
    beginInsertRows(parentIndex, at, at);
    component.versions.insert(at, v);
    endInsertRows();
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1)); // its summary
    emit countsChanged();
}

void ComponentRegistryModel::applyAotBuild(const AotBuildFinished &finished)
{
    const int row = componentRow(finished.component);
    if (row < 0)
        return;
    Component &component = m_components[row];
    const int at = versionRow(component, finished.version);
    if (at < 0)
        return;
    ComponentVersion &v = component.versions[at];
    if (finished.error.isEmpty()) {
        v.aotState = AotState::Ready;
        v.aotDigest = finished.aotDigest;
        v.aotError.clear();
    } else {
        v.aotState = AotState::Failed;
        v.aotError = finished.error;
    }
    if (!finished.target.isEmpty())
        v.aotTarget = finished.target;
    const QModelIndex parentIndex = index(row, 0);
    emit dataChanged(index(at, 0, parentIndex), index(at, ColumnCount - 1, parentIndex));
}

void ComponentRegistryModel::clear()
{
    if (m_components.isEmpty())
        return;
    beginResetModel();
    m_components.clear();
    endResetModel();
    emit countsChanged();
}

void ComponentRegistryModel::refreshAges()
{
    for (int row = 0; row < m_components.size(); ++row) {
        const QModelIndex parentIndex = index(row, 0);
        emit dataChanged(index(row, PushedColumn), index(row, PushedColumn), {Qt::DisplayRole});
        const int versions = int(m_components.at(row).versions.size());
        if (versions > 0)
            emit dataChanged(index(0, PushedColumn, parentIndex), index(versions - 1, PushedColumn, parentIndex), {Qt::DisplayRole});
    }
}

int ComponentRegistryModel::versionCount() const
{
    int count = 0;
    for (const Component &component : m_components)
        count += int(component.versions.size());
    return count;
}

QStringList ComponentRegistryModel::componentNames() const
{
    QStringList names;
    for (const Component &component : m_components)
        names.append(component.name);
    return names;
}

QStringList ComponentRegistryModel::versionRefs() const
{
    QStringList refs;
    for (const Component &component : m_components) {
        for (const ComponentVersion &v : component.versions)
            refs.append(component.name + u'@' + v.manifest.version);
    }
    return refs;
}

std::optional<ComponentVersion> ComponentRegistryModel::version(const QString &name, const QString &version) const
{
    const int row = componentRow(name);
    if (row < 0)
        return std::nullopt;
    const int at = versionRow(m_components.at(row), version);
    return at < 0 ? std::nullopt : std::optional<ComponentVersion>(m_components.at(row).versions.at(at));
}

QModelIndex ComponentRegistryModel::indexOf(const QString &name, const QString &version) const
{
    const int row = componentRow(name);
    if (row < 0)
        return {};
    if (version.isEmpty())
        return index(row, 0);
    const int at = versionRow(m_components.at(row), version);
    return at < 0 ? QModelIndex() : index(at, 0, index(row, 0));
}

std::optional<ComponentVersion> ComponentRegistryModel::versionAt(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index) || index.internalId() == 0)
        return std::nullopt;
    const int row = componentRowById(index.internalId());
    if (row < 0)
        return std::nullopt;
    return m_components.at(row).versions.at(index.row());
}

void ComponentRegistryModel::setClockForTest(Clock clock)
{
    m_clock = std::move(clock);
}

int ComponentRegistryModel::componentRow(const QString &name) const
{
    const auto at = std::lower_bound(m_components.cbegin(), m_components.cend(), name,
                                     [](const Component &c, const QString &n) { return c.name < n; });
    return at != m_components.cend() && at->name == name ? int(at - m_components.cbegin()) : -1;
}

int ComponentRegistryModel::componentRowById(quintptr id) const
{
    for (int row = 0; row < m_components.size(); ++row) {
        if (m_components.at(row).id == id)
            return row;
    }
    return -1;
}

int ComponentRegistryModel::versionRow(const Component &component, const QString &version)
{
    for (int row = 0; row < component.versions.size(); ++row) {
        if (component.versions.at(row).manifest.version == version)
            return row;
    }
    return -1;
}

int ComponentRegistryModel::insertionRow(const Component &component, const ComponentVersion &version)
{
    const auto at = std::lower_bound(component.versions.cbegin(), component.versions.cend(), version, newerFirst);
    return int(at - component.versions.cbegin());
}

} // namespace Keel
