#pragma once

#include "operatormessages.h"

#include <QMessageBox>
#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;

namespace Keel {

class KeelClient;
class PolicyEditor;
class PolicyFeed;
class PolicyHistoryModel;
class PolicyPreview;
class PolicyRulesModel;
class ViolationListModel;

// The "Policies" mode: the residency policy's rules, editable and checked as they are
// typed; Preview asks the control plane what the edit would do (a dry run: the placements
// it would remove or flag, what each node would lose, the diff), Apply… asks one
// confirmation naming the count and applies it against the version the edit started from
// (another apply meanwhile is refused, not overwritten). Below: the preview, the live
// violations (enforce in red, "removed"; audit in amber, "flagged") and the history.
// A viewer sees it all with the actions off and the role needed in their tooltips.
class PoliciesPane final : public QWidget
{
    Q_OBJECT

public:
    enum Tab { PreviewTab, ViolationsTab, HistoryTab };

    explicit PoliciesPane(KeelClient *client, QWidget *parent = nullptr);

    PolicyRulesModel *rules() const { return m_rules; }
    ViolationListModel *violations() const { return m_violations; }
    PolicyHistoryModel *history() const { return m_history; }
    PolicyFeed *feed() const { return m_feed; }
    PolicyEditor *editor() const { return m_editor; }
    PolicyPreview *preview() const { return m_preview; }
    QTabWidget *tabs() const { return m_tabs; }
    QTableView *violationTable() const { return m_violationTable; }
    QPushButton *previewButton() const { return m_previewButton; }
    QPushButton *applyButton() const { return m_apply; }
    // The confirmation while it is open, else nullptr.
    QMessageBox *confirmation() const { return m_confirmation; }
    // "Apply policy: 2 components removed from 1 node?" for the current preview.
    QString question() const;
    QString bannerText() const;
    QString summaryText() const;
    QString violationsPlaceholderText() const;

public slots:
    void setIdentity(const Keel::Op::Identity &identity);
    void setRole(std::optional<Keel::Role> role);
    // The dry run of the edit; then, if asked by Apply…, the confirmation.
    void runPreview();
    void requestApply();
    // Reads a policy file into the editor (as Import… does) and, once the applied policy
    // is known, previews it: what `keelctl policy check -f FILE` shows, nothing applied.
    void previewFile(const QString &path);

private:
    void buildLayout();
    QWidget *buildViolations();
    QWidget *buildHistory();
    void updateActions();
    void updateSummary();
    void updateViolationCounts();
    void confirm();
    void apply();
    void showBanner(const QString &text);
    bool canEdit() const;
    QString roleReason() const;

    KeelClient *m_client;
    PolicyRulesModel *m_rules;
    ViolationListModel *m_violations;
    PolicyHistoryModel *m_history;
    PolicyFeed *m_feed;
    std::optional<Role> m_role;
    PolicyEditor *m_editor;
    PolicyPreview *m_preview;
    QLabel *m_summary;
    QLabel *m_banner;
    QPushButton *m_revert;
    QPushButton *m_previewButton;
    QPushButton *m_apply;
    QPushButton *m_refresh;
    QTabWidget *m_tabs;
    QLabel *m_violationSummary;
    QTableView *m_violationTable;
    QLabel *m_violationPlaceholder;
    QTableView *m_historyTable;
    QPointer<QMessageBox> m_confirmation;
    quint64 m_asked = 0;        // the edit generation a preview answer must match
    quint64 m_previewBase = 0;  // the applied version the preview was made against: Apply expects it
    quint64 m_generation = 0;   // moves on every edit
    bool m_busy = false;
    bool m_confirmAfterPreview = false;
};

} // namespace Keel
