#include "pushdialog.h"

#include "aotstatestyle.h"
#include "keelclient.h"
#include "manifestfile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <climits>

namespace Keel {

namespace {

constexpr qint64 kMaxModuleBytes = 32 * 1024 * 1024; // what the registry accepts

const char *const kGrantNames[] = {"log", "kv", "clock", "config"};

QSpinBox *limitBox(QWidget *parent, const char *name, const QString &suffix)
{
    auto *box = new QSpinBox(parent);
    box->setObjectName(QLatin1String(name));
    box->setRange(0, INT_MAX);
    box->setSpecialValueText(PushDialog::tr("the agent's default"));
    box->setSuffix(suffix);
    box->setAccelerated(true);
    return box;
}

} // namespace

PushDialog::PushDialog(KeelClient *client, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_job(new PushJob(client, this))
{
    setObjectName(QStringLiteral("pushDialog"));
    setWindowTitle(tr("Push a component"));
    buildForm();
    connect(m_job, &PushJob::progressChanged, this, &PushDialog::updateSteps);
    connect(m_job, &PushJob::finished, this, [this](bool pushed) {
        setFormEnabled(true);
        m_push->setText(tr("Push again"));
        m_close->setText(tr("Close"));
        if (pushed)
            emit this->pushed(m_job->version().manifest.name, m_job->version().manifest.version);
    });
    updateSteps();
    resize(620, 640);
}

void PushDialog::buildForm()
{
    m_module = new QLineEdit(this);
    m_module->setObjectName(QStringLiteral("pushModulePath"));
    m_module->setPlaceholderText(tr("a WebAssembly module, e.g. hello.wasm"));
    auto *browseModule = new QPushButton(tr("Browse…"), this);
    browseModule->setObjectName(QStringLiteral("pushBrowseModule"));
    connect(browseModule, &QPushButton::clicked, this, &PushDialog::browseModule);
    auto *moduleRow = new QHBoxLayout;
    moduleRow->addWidget(m_module, 1);
    moduleRow->addWidget(browseModule);

    m_manifestPath = new QLineEdit(this);
    m_manifestPath->setObjectName(QStringLiteral("pushManifestPath"));
    m_manifestPath->setPlaceholderText(tr("optional: fill everything from a component manifest (.yaml)"));
    auto *browseManifest = new QPushButton(tr("Browse…"), this);
    browseManifest->setObjectName(QStringLiteral("pushBrowseManifest"));
    connect(browseManifest, &QPushButton::clicked, this, &PushDialog::browseManifest);
    connect(m_manifestPath, &QLineEdit::returnPressed, this, [this] { loadManifest(m_manifestPath->text()); });
    auto *manifestRow = new QHBoxLayout;
    manifestRow->addWidget(m_manifestPath, 1);
    manifestRow->addWidget(browseManifest);

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("pushName"));
    m_name->setPlaceholderText(tr("e.g. hello"));
    m_version = new QLineEdit(this);
    m_version->setObjectName(QStringLiteral("pushVersion"));
    m_version->setPlaceholderText(tr("e.g. 1.0.0 (immutable once pushed)"));
    m_abi = new QComboBox(this);
    m_abi->setObjectName(QStringLiteral("pushAbi"));
    m_abi->addItem(tr("wagi — CGI over WASI, an instance per request"), int(ComponentAbi::Wagi));
    m_abi->addItem(tr("keel — the keel:edge world, a long-lived reactor"), int(ComponentAbi::Keel));
    m_dataClasses = new QLineEdit(this);
    m_dataClasses->setObjectName(QStringLiteral("pushDataClasses"));
    m_dataClasses->setPlaceholderText(tr("comma-separated, e.g. pii; empty: none"));
    auto *grants = new QHBoxLayout;
    for (const char *grant : kGrantNames) {
        auto *box = new QCheckBox(QLatin1String(grant), this);
        box->setObjectName(QStringLiteral("pushGrant_") + QLatin1String(grant));
        m_grants.append(box);
        grants->addWidget(box);
    }
    grants->addStretch(1);
    m_memoryMb = limitBox(this, "pushMemoryMb", tr(" MiB"));
    m_deadlineMs = limitBox(this, "pushDeadlineMs", tr(" ms"));
    m_maxResponseBytes = limitBox(this, "pushMaxResponseBytes", tr(" bytes"));
    m_maxTableElements = limitBox(this, "pushMaxTableElements", QString());
    m_maxInstances = limitBox(this, "pushMaxInstances", QString());
    m_config = new QLabel(tr("none"), this);
    m_config->setObjectName(QStringLiteral("pushConfig"));
    m_config->setWordWrap(true);

    auto *fields = new QGroupBox(tr("Component"), this);
    auto *form = new QFormLayout(fields);
    form->addRow(tr("Manifest file:"), manifestRow);
    form->addRow(tr("Module:"), moduleRow);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Version:"), m_version);
    form->addRow(tr("&ABI:"), m_abi);
    form->addRow(tr("&Data classes:"), m_dataClasses);
    form->addRow(tr("Grants:"), grants);
    form->addRow(tr("Memory per instance:"), m_memoryMb);
    form->addRow(tr("Deadline per request:"), m_deadlineMs);
    form->addRow(tr("Largest response:"), m_maxResponseBytes);
    form->addRow(tr("Table elements:"), m_maxTableElements);
    form->addRow(tr("Live instances:"), m_maxInstances);
    form->addRow(tr("Config:"), m_config);

    auto *progressBox = new QGroupBox(tr("Progress"), this);
    auto *steps = new QFormLayout(progressBox);
    m_uploadStep = new QLabel(progressBox);
    m_uploadStep->setObjectName(QStringLiteral("pushUploadStep"));
    m_validationStep = new QLabel(progressBox);
    m_validationStep->setObjectName(QStringLiteral("pushValidationStep"));
    m_buildStep = new QLabel(progressBox);
    m_buildStep->setObjectName(QStringLiteral("pushBuildStep"));
    m_progress = new QProgressBar(progressBox);
    m_progress->setObjectName(QStringLiteral("pushProgress"));
    m_progress->setTextVisible(false);
    m_message = new QLabel(progressBox);
    m_message->setObjectName(QStringLiteral("pushMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    steps->addRow(tr("1. Upload:"), m_uploadStep);
    steps->addRow(tr("2. Validation:"), m_validationStep);
    steps->addRow(tr("3. AOT build:"), m_buildStep);
    steps->addRow(m_progress);
    steps->addRow(m_message);

    m_push = new QPushButton(tr("Push"), this);
    m_push->setObjectName(QStringLiteral("pushStart"));
    m_push->setDefault(true);
    connect(m_push, &QPushButton::clicked, this, &PushDialog::startPush);
    m_close = new QPushButton(tr("Cancel"), this);
    m_close->setObjectName(QStringLiteral("pushCancel"));
    connect(m_close, &QPushButton::clicked, this, [this] {
        if (m_job->isRunning())
            m_job->cancel();
        else
            reject();
    });
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_push);
    buttons->addWidget(m_close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(fields);
    layout->addWidget(progressBox, 1);
    layout->addLayout(buttons);

    m_form = {m_module, browseModule, m_manifestPath, browseManifest, m_name, m_version, m_abi, m_dataClasses,
              m_memoryMb, m_deadlineMs, m_maxResponseBytes, m_maxTableElements, m_maxInstances, m_push};
    for (QCheckBox *box : std::as_const(m_grants))
        m_form.append(box);
}

bool PushDialog::loadManifest(const QString &path)
{
    m_manifestPath->setText(path);
    const auto loaded = ManifestFile::load(path);
    if (const auto *problem = std::get_if<QString>(&loaded)) {
        showProblem(tr("The manifest file does not load: %1").arg(*problem));
        return false;
    }
    const ManifestFile::Loaded &file = std::get<ManifestFile::Loaded>(loaded);
    const Manifest &manifest = file.manifest;
    const QString &modulePath = file.modulePath;
    m_module->setText(modulePath);
    m_name->setText(manifest.name);
    m_version->setText(manifest.version);
    m_abi->setCurrentIndex(m_abi->findData(int(manifest.abi)));
    m_dataClasses->setText(manifest.dataClasses.join(QStringLiteral(", ")));
    for (QCheckBox *box : std::as_const(m_grants))
        box->setChecked(manifest.grants.contains(box->text()));
    m_memoryMb->setValue(int(std::min<quint32>(manifest.limits.memoryMb, INT_MAX)));
    m_deadlineMs->setValue(int(std::min<quint32>(manifest.limits.deadlineMs, INT_MAX)));
    m_maxResponseBytes->setValue(int(std::min<quint64>(manifest.limits.maxResponseBytes, INT_MAX)));
    m_maxTableElements->setValue(int(std::min<quint32>(manifest.limits.maxTableElements, INT_MAX)));
    m_maxInstances->setValue(int(std::min<quint32>(manifest.limits.maxInstances, INT_MAX)));
    m_configValues = manifest.config;
    QStringList config;
    for (auto it = manifest.config.cbegin(); it != manifest.config.cend(); ++it)
        config.append(it.key() + u'=' + it.value());
    m_config->setText(config.isEmpty() ? tr("none") : config.join(QStringLiteral(", ")));
    m_message->setText(tr("Filled from %1. Check the fields, then Push.").arg(QFileInfo(path).fileName()));
    return true;
}

void PushDialog::setModulePath(const QString &path)
{
    m_module->setText(path);
}

Manifest PushDialog::manifest() const
{
    Manifest m;
    m.name = m_name->text().trimmed();
    m.version = m_version->text().trimmed();
    m.abi = ComponentAbi(m_abi->currentData().toInt());
    for (const QString &dataClass : m_dataClasses->text().split(u',', Qt::SkipEmptyParts)) {
        if (!dataClass.trimmed().isEmpty())
            m.dataClasses.append(dataClass.trimmed());
    }
    for (const QCheckBox *box : m_grants) {
        if (box->isChecked())
            m.grants.append(box->text());
    }
    m.limits = {quint32(m_memoryMb->value()), quint32(m_deadlineMs->value()), quint64(m_maxResponseBytes->value()),
                quint32(m_maxTableElements->value()), quint32(m_maxInstances->value())};
    m.config = m_configValues;
    return m;
}

void PushDialog::startPush()
{
    if (m_job->isRunning())
        return;
    const Manifest m = manifest();
    if (m.name.isEmpty() || m.version.isEmpty())
        return showProblem(tr("A push needs a name and a version (or a manifest file that names them)."));
    QFile file(m_module->text().trimmed());
    if (file.fileName().isEmpty())
        return showProblem(tr("Choose the module (.wasm) to push."));
    if (!file.open(QIODevice::ReadOnly))
        return showProblem(tr("Cannot read the module %1: %2").arg(file.fileName(), file.errorString()));
    if (file.size() > kMaxModuleBytes) {
        return showProblem(tr("The module %1 is %2 MiB; the registry takes modules of up to 32 MiB.")
                               .arg(file.fileName()).arg(double(file.size()) / (1024 * 1024), 0, 'f', 1));
    }
    // Modules are small (32 MiB at most); reading one is not network I/O.
    const QByteArray module = file.readAll();
    setFormEnabled(false);
    m_close->setText(tr("Cancel"));
    m_job->start(m, module);
}

void PushDialog::setFormEnabled(bool enabled)
{
    for (QWidget *widget : std::as_const(m_form))
        widget->setEnabled(enabled);
}

void PushDialog::showProblem(const QString &message)
{
    m_message->setText(message);
}

QString PushDialog::messageText() const
{
    return m_message->text();
}

QStringList PushDialog::stepTexts() const
{
    return {tr("Upload: %1").arg(m_uploadStep->text()), tr("Validation: %1").arg(m_validationStep->text()),
            tr("AOT build: %1").arg(m_buildStep->text())};
}

void PushDialog::updateSteps()
{
    using Step = PushJob::Step;
    const Step step = m_job->step();
    const bool stored = !m_job->version().moduleDigest.isEmpty();
    const AotState state = m_job->version().aotState;
    auto colored = [](const QColor &color, const QString &word) {
        return QStringLiteral("<span style=\"color:%1\">●</span> %2").arg(color.name(), word.toHtmlEscaped());
    };
    switch (step) {
    case Step::Idle:
        m_message->setText(tr("Choose a module and give it a name and version, or fill everything from a manifest file; then Push."));
        m_uploadStep->setText(tr("not started"));
        m_validationStep->setText(tr("not started"));
        m_buildStep->setText(tr("not started"));
        break;
    case Step::Uploading:
        m_uploadStep->setText(tr("sending…"));
        m_validationStep->setText(tr("waiting for the control plane's answer"));
        m_buildStep->setText(tr("not started"));
        break;
    case Step::Refused:
        m_uploadStep->setText(tr("done"));
        m_validationStep->setText(colored(AotStateStyle::color(AotState::Failed), tr("refused")));
        m_buildStep->setText(tr("not started"));
        break;
    default:
        if (!stored) { // interrupted or cancelled during the upload
            m_uploadStep->setText(step == Step::Cancelled ? tr("stopped waiting") : tr("interrupted"));
            m_validationStep->setText(tr("unknown"));
            m_buildStep->setText(tr("unknown"));
            break;
        }
        m_uploadStep->setText(tr("done"));
        m_validationStep->setText(colored(AotStateStyle::color(AotState::Ready), tr("passed")));
        m_buildStep->setText(colored(AotStateStyle::color(state), AotStateStyle::word(state))
                             + (step == Step::Cancelled ? tr(" (no longer followed)")
                                : step == Step::Interrupted ? tr(" (connection lost)") : QString()));
        break;
    }
    const bool running = m_job->isRunning();
    m_progress->setVisible(step != Step::Idle);
    m_progress->setRange(0, running ? 0 : 1); // busy while running
    m_progress->setValue(step == Step::Finished ? 1 : 0);
    if (step != Step::Idle)
        m_message->setText(m_job->message());
}

void PushDialog::browseModule()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a WebAssembly module"), QFileInfo(m_module->text()).path(),
                                                      tr("WebAssembly modules (*.wasm);;All files (*)"));
    if (!path.isEmpty())
        m_module->setText(path);
}

void PushDialog::browseManifest()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a component manifest"),
                                                      QFileInfo(m_manifestPath->text()).path(),
                                                      tr("Component manifests (*.yaml *.yml *.json);;All files (*)"));
    if (!path.isEmpty())
        loadManifest(path);
}

} // namespace Keel
