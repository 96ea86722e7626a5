#pragma once

#include "pushjob.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace Keel {

class KeelClient;

// Push a .wasm to the registry: the module and its manifest fields, filled by hand or
// from a component manifest file (the same file keelctl component push --manifest and
// keel-agent --components read), then the push's progress through upload, validation and
// the AOT build. Cancel stops waiting; the dialog never blocks the console.
class PushDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit PushDialog(KeelClient *client, QWidget *parent = nullptr);

    // Fills every field from a manifest file; false (and the reason shown) when it does not load.
    bool loadManifest(const QString &path);
    void setModulePath(const QString &path);
    // The manifest the fields describe now.
    Manifest manifest() const;
    // Reads the module and starts the push (the Push button).
    void startPush();

    PushJob *job() const { return m_job; }
    QString messageText() const;
    // One line per step: "Upload: done", "Validation: passed", "AOT build: building".
    QStringList stepTexts() const;

signals:
    // A version is in the registry (new or already there).
    void pushed(const QString &name, const QString &version);

private:
    void buildForm();
    void updateSteps();
    void setFormEnabled(bool enabled);
    void showProblem(const QString &message);
    void browseModule();
    void browseManifest();

    KeelClient *m_client;
    PushJob *m_job;
    QLineEdit *m_module;
    QLineEdit *m_manifestPath;
    QLineEdit *m_name;
    QLineEdit *m_version;
    QComboBox *m_abi;
    QLineEdit *m_dataClasses;
    QList<QCheckBox *> m_grants;
    QSpinBox *m_memoryMb;
    QSpinBox *m_deadlineMs;
    QSpinBox *m_maxResponseBytes;
    QSpinBox *m_maxTableElements;
    QSpinBox *m_maxInstances;
    QLabel *m_config;
    QMap<QString, QString> m_configValues; // from the manifest file; not editable here
    QLabel *m_uploadStep;
    QLabel *m_validationStep;
    QLabel *m_buildStep;
    QProgressBar *m_progress;
    QLabel *m_message;
    QPushButton *m_push;
    QPushButton *m_close;
    QList<QWidget *> m_form;
};

} // namespace Keel
