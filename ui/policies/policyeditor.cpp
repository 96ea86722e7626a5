#include "policyeditor.h"

#include "common/statuscolors.h"
#include "jurisdictions.h"
#include "policyfile.h"
#include "policyruledelegate.h"
#include "policyrulesmodel.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QVBoxLayout>

namespace Keel {

namespace {

// Policy files are small; anything larger is not one.
constexpr qint64 kMaxFileSize = 4 * 1024 * 1024;

} // namespace

PolicyEditor::PolicyEditor(PolicyRulesModel *rules, QWidget *parent)
    : QWidget(parent)
    , m_rules(rules)
{
    setObjectName(QStringLiteral("policyEditor"));
    buildLayout();
    connect(m_rules, &PolicyRulesModel::edited, this, [this] {
        updateStatus();
        updateActions();
        updatePlaceholder();
    });
    connect(m_rules, &PolicyRulesModel::appliedChanged, this, &PolicyEditor::updateStatus);
    connect(m_rules, &QAbstractItemModel::modelReset, this, &PolicyEditor::updatePlaceholder);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &PolicyEditor::updateActions);
    updateStatus();
    updateActions();
    updatePlaceholder();
}

void PolicyEditor::buildLayout()
{
    m_add = new QPushButton(tr("Add rule"), this);
    m_add->setObjectName(QStringLiteral("policyAddRule"));
    m_remove = new QPushButton(tr("Remove rule"), this);
    m_remove->setObjectName(QStringLiteral("policyRemoveRule"));
    m_import = new QPushButton(tr("Import…"), this);
    m_import->setObjectName(QStringLiteral("policyImport"));
    m_export = new QPushButton(tr("Export…"), this);
    m_export->setObjectName(QStringLiteral("policyExport"));
    m_export->setToolTip(tr("Save the rules as shown as a policy file (YAML), for keelctl policy apply -f"));
    connect(m_add, &QPushButton::clicked, this, [this] {
        const int row = m_rules->addRule();
        const QModelIndex cell = m_rules->index(row, PolicyRulesModel::DataClassColumn);
        m_table->setCurrentIndex(cell);
        m_table->scrollTo(cell);
        m_table->edit(cell); // the class is what a new rule needs first
    });
    connect(m_remove, &QPushButton::clicked, this, [this] { m_rules->removeRule(m_table->currentIndex().row()); });
    connect(m_import, &QPushButton::clicked, this, &PolicyEditor::chooseImport);
    connect(m_export, &QPushButton::clicked, this, &PolicyEditor::chooseExport);

    m_defaultSubject = new QComboBox(this);
    m_defaultSubject->setObjectName(QStringLiteral("policyDefaultSubject"));
    m_defaultSubject->addItem(tr("none (requests must name theirs)"), QString());
    for (const std::string &code : keel::residency::Jurisdictions::all()) {
        const std::string_view name = keel::residency::Jurisdictions::name(code);
        m_defaultSubject->addItem(QStringLiteral("%1 — %2").arg(QString::fromStdString(code),
                                                                 QString::fromUtf8(name.data(), qsizetype(name.size()))),
                                  QString::fromStdString(code));
    }
    m_defaultSubject->setToolTip(tr("The subject jurisdiction assumed for a request without the X-Keel-Subject-Jurisdiction header"));
    connect(m_defaultSubject, &QComboBox::activated, this, [this] {
        m_rules->setDefaultSubject(m_defaultSubject->currentData().toString());
    });
    auto *subjectLabel = new QLabel(tr("&Default subject:"), this);
    subjectLabel->setBuddy(m_defaultSubject);

    auto *tools = new QHBoxLayout;
    tools->addWidget(m_add);
    tools->addWidget(m_remove);
    tools->addSpacing(12);
    tools->addWidget(m_import);
    tools->addWidget(m_export);
    tools->addStretch(1);
    tools->addWidget(subjectLabel);
    tools->addWidget(m_defaultSubject);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("policyRules"));
    m_table->setModel(m_rules);
    m_table->setItemDelegate(new PolicyRuleDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                             | QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const int em = m_table->fontMetrics().horizontalAdvance(u'M');
    m_table->setColumnWidth(PolicyRulesModel::NameColumn, em * 12);
    m_table->setColumnWidth(PolicyRulesModel::DataClassColumn, em * 9);
    m_table->setColumnWidth(PolicyRulesModel::SubjectsColumn, em * 11);
    m_table->setColumnWidth(PolicyRulesModel::AllowedColumn, em * 14);
    m_table->setMinimumHeight(m_table->verticalHeader()->defaultSectionSize() * 4);

    m_placeholder = new QLabel(m_table->viewport());
    m_placeholder->setObjectName(QStringLiteral("policyPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false); // the palette's muted text colour
    m_placeholder->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto *placeholderLayout = new QVBoxLayout(m_table->viewport());
    placeholderLayout->addWidget(m_placeholder);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("policyStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(tools);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
}

QString PolicyEditor::statusText() const
{
    return m_status->text();
}

QString PolicyEditor::placeholderText() const
{
    return m_placeholder->isVisibleTo(m_table) ? m_placeholder->text() : QString();
}

void PolicyEditor::setEditable(bool editable, const QString &reason)
{
    m_editable = editable;
    m_readOnlyReason = reason;
    m_rules->setReadOnly(!editable);
    updateActions();
    updatePlaceholder();
}

void PolicyEditor::updateStatus()
{
    QPalette palette = this->palette();
    QString text;
    if (!m_rules->isValid()) {
        palette.setColor(QPalette::WindowText, StatusColors::failing());
        text = tr("⚠ %1").arg(m_rules->problemText());
    } else if (m_rules->isModified()) {
        text = tr("Not applied yet — %1. Preview shows what it would do.").arg(m_rules->diffText());
    } else if (m_rules->applied().version > 0) {
        palette.setColor(QPalette::WindowText, palette.color(QPalette::Disabled, QPalette::WindowText));
        text = tr("As applied: version %1.").arg(m_rules->applied().version);
    }
    m_status->setPalette(palette);
    m_status->setText(text);
    const int at = m_defaultSubject->findData(m_rules->defaultSubject());
    m_defaultSubject->setCurrentIndex(std::max(at, 0));
}

void PolicyEditor::updateActions()
{
    const QString role = m_editable ? QString() : m_readOnlyReason;
    for (QPushButton *button : {m_add, m_import})
        button->setEnabled(m_editable);
    m_add->setToolTip(!role.isEmpty() ? role : tr("A new rule at the end: fill in its data class and where it is allowed"));
    m_import->setToolTip(!role.isEmpty() ? role : tr("Replace the rules shown with a policy file (YAML or JSON); nothing is applied yet"));
    const bool selected = m_table->currentIndex().isValid();
    m_remove->setEnabled(m_editable && selected);
    m_remove->setToolTip(!role.isEmpty() ? role : selected ? tr("Remove the selected rule (applied only with Apply…)")
                                                           : tr("Select a rule to remove"));
    m_defaultSubject->setEnabled(m_editable);
    if (!role.isEmpty())
        m_defaultSubject->setToolTip(role);
}

void PolicyEditor::updatePlaceholder()
{
    m_placeholder->setVisible(m_rules->rowCount() == 0);
    m_placeholder->setText(m_editable ? tr("No residency policy yet: add a rule, or Import… a file.")
                                      : tr("No residency policy yet. Someone with the operator role can add one."));
}

bool PolicyEditor::importFile(const QString &path, QString *error)
{
    QFile file(path);
    const QString name = QFileInfo(path).fileName();
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > kMaxFileSize) {
        *error = tr("%1 is %2 bytes: too large for a policy file").arg(name).arg(file.size());
        return false;
    }
    const QByteArray text = file.readAll();
    const auto parsed = keel::residency::PolicyFile::parse(std::string_view(text.constData(), std::size_t(text.size())),
                                                           name.toStdString());
    if (const auto *problems = std::get_if<std::vector<keel::residency::PolicyFile::Problem>>(&parsed)) {
        *error = QString::fromStdString(keel::residency::PolicyFile::describe(*problems, name.toStdString())).trimmed();
        return false;
    }
    m_rules->setPolicy(std::get<ResidencyPolicy>(parsed));
    return true;
}

bool PolicyEditor::exportFile(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(QByteArray::fromStdString(keel::residency::PolicyFile::toYaml(m_rules->policy())));
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void PolicyEditor::chooseImport()
{
    auto *dialog = new QFileDialog(this, tr("Import a residency policy"), QString(), tr("Policy files (*.yaml *.yml *.json);;All files (*)"));
    dialog->setObjectName(QStringLiteral("policyImportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QString error;
        if (importFile(path, &error))
            emit message(tr("Imported %1: %2 rules, not applied yet. Preview shows what they would do.")
                             .arg(QFileInfo(path).fileName()).arg(m_rules->rowCount()), false);
        else
            emit message(tr("Not imported: %1").arg(error), true);
    });
    dialog->open();
}

void PolicyEditor::chooseExport()
{
    auto *dialog = new QFileDialog(this, tr("Export the residency policy"), QStringLiteral("policy.yaml"),
                                   tr("Policy files (*.yaml *.yml)"));
    dialog->setObjectName(QStringLiteral("policyExportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("yaml"));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QString error;
        if (exportFile(path, &error))
            emit message(tr("Exported %1 rules to %2.").arg(m_rules->rowCount()).arg(path), false);
        else
            emit message(tr("Not exported: %1").arg(error), true);
    });
    dialog->open();
}

} // namespace Keel
