#pragma once

#include <QByteArray>
#include <QString>

// Text format to binary with libwabt, so test modules live as WAT next to the test.
QByteArray watToWasm(const QByteArray &wat, QString *error);
