#pragma once

#include <QList>
#include <QStringList>

namespace Keel {

struct Migration
{
    int version;
    QString description;
    QStringList statements;
};

// The schema's history, oldest first. Append only: a shipped migration never changes.
// Statements use SQL that SQLite and PostgreSQL both accept.
const QList<Migration> &schemaMigrations();

} // namespace Keel
