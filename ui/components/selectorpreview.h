#pragma once

#include "fleettypes.h"

#include <QTimer>
#include <QWidget>

#include <chrono>

class QLabel;
class QLineEdit;
class QListWidget;

namespace Keel {

class KeelClient;

// A node selector field that shows, as it is typed, the nodes it matches now: the text
// is parsed at once (a selector that does not parse shows the parser's message, never an
// empty list) and, after a pause in typing, the control plane is asked which nodes match.
class SelectorPreview final : public QWidget
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds kDebounce{300};

    explicit SelectorPreview(KeelClient *client, QWidget *parent = nullptr);

    QString selector() const;
    void setSelector(const QString &text);

    // True when the nodes shown are the control plane's answer for the text as it is now.
    bool isCurrent() const { return m_current; }
    const QList<Node> &matches() const { return m_matches; }
    int regionCount() const;
    // "12 nodes in 2 regions".
    QString countText() const;
    QString summaryText() const;

signals:
    // The text changed (the preview is not current until previewChanged).
    void selectorEdited();
    // A new answer (or a parse error) is shown.
    void previewChanged();

private:
    void onEdited();
    void ask();
    void showMatches(const QList<Node> &nodes);
    void showProblem(const QString &message);

    KeelClient *m_client;
    QLineEdit *m_edit;
    QLabel *m_summary;
    QListWidget *m_list;
    QTimer m_debounce;
    QList<Node> m_matches;
    bool m_current = false;
    quint64 m_asked = 0; // only the answer to the latest question is shown
};

} // namespace Keel
