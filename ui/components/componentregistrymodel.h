#pragma once

#include "registrytypes.h"

#include <QAbstractItemModel>
#include <QDateTime>

#include <functional>
#include <optional>

namespace Keel {

// The component registry as a tree: each component a top-level row (by name), its
// versions as children (newest push first). Filled by a provider (ComponentFeed) with
// setVersions() and kept current with upsertVersion() and applyAotBuild(), which change
// rows in place. Knows nothing of widgets.
class ComponentRegistryModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,     // component name; a version's number
        AotColumn,      // AOT build state: colour and word
        AbiColumn,
        SizeColumn,     // KiB, right-aligned
        DigestColumn,
        DataClassesColumn,
        GrantsColumn,
        PushedColumn,   // relative; absolute in the tooltip
        PushedByColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        NameRole = Qt::UserRole + 1, // the component's name, on both kinds of rows
        VersionRole,                 // a version's number; empty on a component row
        AotStateRole,                // int(AotState) on version rows
        SortRole,                    // per column: a value that orders correctly
    };
    Q_ENUM(Role)

    using Clock = std::function<QDateTime()>;

    explicit ComponentRegistryModel(QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Everything the registry holds (a full listing).
    void setVersions(const QList<ComponentVersion> &versions);
    // A version pushed or listed again: its row is updated, or inserted.
    void upsertVersion(const ComponentVersion &version);
    // A build finished: the version's row turns ready or failed.
    void applyAotBuild(const AotBuildFinished &finished);
    void clear();
    // "Pushed" is relative to now: a view calls this now and then.
    void refreshAges();

    int componentCount() const { return int(m_components.size()); }
    int versionCount() const;
    QStringList componentNames() const;
    // name@version of every version, components by name, newest push first within one.
    QStringList versionRefs() const;
    std::optional<ComponentVersion> version(const QString &name, const QString &version) const;
    // The row of a version (column 0), or of a component when `version` is empty.
    QModelIndex indexOf(const QString &name, const QString &version = {}) const;
    // The version a row shows; nullopt for a component row or an invalid index.
    std::optional<ComponentVersion> versionAt(const QModelIndex &index) const;

    void setClockForTest(Clock clock);

signals:
    // The number of components or versions may have changed.
    void countsChanged();

private:
    // A version row's internal id is its component's id, which stays the same when rows
    // move (persistent indexes of children survive components inserted before them).
    struct Component
    {
        quintptr id = 0;
        QString name;
        QList<ComponentVersion> versions; // newest push first
    };

    QVariant componentData(const Component &component, int column, int role) const;
    QVariant versionData(const ComponentVersion &version, int column, int role) const;
    int componentRow(const QString &name) const;
    int componentRowById(quintptr id) const;
    static int versionRow(const Component &component, const QString &version);
    static int insertionRow(const Component &component, const ComponentVersion &version);

    QList<Component> m_components; // by name
    quintptr m_nextId = 1;
    Clock m_clock;
};

} // namespace Keel
