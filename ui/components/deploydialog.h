#pragma once

#include <QDialog>
#include <QMessageBox>
#include <QPointer>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QPushButton;

namespace Keel {

class KeelClient;
class PlacementPreview;
class SelectorPreview;

// Deploy a version to, or undeploy a component from, the nodes a selector matches. The
// selector previews its nodes as it is typed, and for a deploy the residency policy's
// verdict on them (the nodes it forbids, with "skip" to deploy to the others); the action
// asks one confirmation naming what it touches ("Deploy hash@2.0.0 to 12 nodes in 2
// regions?"), then runs without blocking. On success the dialog closes (done() says what
// happened); a refusal is shown in it and it stays open.
class DeployDialog final : public QDialog
{
    Q_OBJECT

public:
    enum class Mode { Deploy, Undeploy };

    // `choices`: name@version for a deploy, component names for an undeploy.
    DeployDialog(Mode mode, KeelClient *client, const QStringList &choices, QWidget *parent = nullptr);

    Mode mode() const { return m_mode; }
    void setChoice(const QString &choice);
    QString choice() const;
    SelectorPreview *preview() const { return m_preview; }
    PlacementPreview *placement() const { return m_placement; }
    // The confirmation while it is open, else nullptr.
    QMessageBox *confirmation() const { return m_confirmation; }
    // The sentence the confirmation asks, for the current choice and preview.
    QString question() const;
    QString resultText() const { return m_result; }
    QString messageText() const;

signals:
    // The control plane accepted the rule; `text` says what it did.
    void applied(const QString &text);

private:
    void updateButtons();
    void checkPlacement();
    void confirm();
    void run();

    Mode m_mode;
    KeelClient *m_client;
    QComboBox *m_choice;
    SelectorPreview *m_preview;
    PlacementPreview *m_placement;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
    QPushButton *m_go;
    QPointer<QMessageBox> m_confirmation;
    QString m_result;
    bool m_running = false;
};

} // namespace Keel
