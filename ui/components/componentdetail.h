#pragma once

#include "deploymenttypes.h"

#include <QWidget>

#include <optional>

class QFormLayout;
class QLabel;
class QLineEdit;

namespace Keel {

// The selected version in full: digest, size, ABI, data classes, grants, limits, config,
// the AOT build (state in colour and word, target, object, and the reason when it failed
// or is unsupported), who pushed it and when, and the deployment rules that name it.
class ComponentDetail final : public QWidget
{
    Q_OBJECT

public:
    explicit ComponentDetail(QWidget *parent = nullptr);

    // Nothing selected (or a component row): a hint instead of fields.
    void showNothing(const QString &hint);
    void showVersion(const ComponentVersion &version, const QList<DeploymentRule> &rules);

    // The shown fields as "label: value" lines, for tests and copying.
    QStringList fieldTexts() const;

private:
    QLabel *addField(const QString &label, const char *name);
    // Digests are long and unbreakable: a read-only line scrolls them instead of widening the panel.
    QLineEdit *addDigestField(const QString &label, const char *name);

    QLabel *m_title;
    QLabel *m_hint;
    QWidget *m_fields;
    QFormLayout *m_form;
    QLineEdit *m_digest;
    QLabel *m_size;
    QLabel *m_abi;
    QLabel *m_dataClasses;
    QLabel *m_grants;
    QLabel *m_limits;
    QLabel *m_config;
    QLabel *m_aot;
    QLabel *m_aotObject;
    QLineEdit *m_aotDigest;
    QLabel *m_pushed;
    QLabel *m_rules;
};

} // namespace Keel
