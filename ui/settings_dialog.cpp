#include "settings_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "app_settings.h"

namespace sm::ui {

namespace {

void setChoice(QComboBox* box, const QString& value) {
    const int index = box->findData(value);
    box->setCurrentIndex(index >= 0 ? index : 0);
}

void applyBounds(QSpinBox* box, Setting setting) {
    const SettingSpec& spec = settingSpec(setting);
    box->setRange(spec.minimum.toInt(), spec.maximum.toInt());
}

}  // namespace

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Settings"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;

    m_folders = new QListWidget;
    m_folders->setToolTip(
        tr("Folders whose weights files and model folders all appear in the Model Manager and the "
           "Weights box."));
    m_folders->setMinimumHeight(90);
    auto* addFolder = new QPushButton(tr("Add\u2026"));
    auto* removeFolder = new QPushButton(tr("Remove"));
    addFolder->setToolTip(tr("Add a folder to search for model weights."));
    removeFolder->setToolTip(tr("Stop searching the selected folder (its files are not deleted)."));
    auto* folderButtons = new QVBoxLayout;
    folderButtons->addWidget(addFolder);
    folderButtons->addWidget(removeFolder);
    folderButtons->addStretch(1);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folders, 1);
    folderRow->addLayout(folderButtons);
    form->addRow(tr("Model folders"), folderRow);

    m_device = new QComboBox;
    m_device->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    m_device->setToolTip(
        tr("Where the model runs. A CUDA GPU is many times faster than the CPU; the CPU always "
           "works. Takes effect when the next model loads."));
    form->addRow(tr("Device"), m_device);
    m_threads = new QSpinBox;
    applyBounds(m_threads, Setting::Threads);
    m_threads->setSpecialValueText(tr("All cores (%1)").arg(QThread::idealThreadCount()));
    m_threads->setToolTip(
        tr("CPU threads for inference. Fewer threads leave the computer more responsive while "
           "generating."));
    form->addRow(tr("CPU threads"), m_threads);
    m_precision = new QComboBox;
    m_precision->addItem(tr("float32 (exact, most memory)"), QStringLiteral("float32"));
    m_precision->addItem(tr("float16 (half the memory, GPU)"), QStringLiteral("float16"));
    m_precision->addItem(tr("bfloat16 (half the memory, newer GPUs and CPUs)"), QStringLiteral("bfloat16"));
    m_precision->setToolTip(
        tr("Number format of the weights. Half precision needs half the memory and is faster "
           "on GPUs, with results that differ very slightly."));
    form->addRow(tr("Precision"), m_precision);
    m_preview = new QSpinBox;
    applyBounds(m_preview, Setting::PreviewInterval);
    m_preview->setSpecialValueText(tr("No live preview"));
    m_preview->setSuffix(tr(" steps"));
    m_preview->setToolTip(
        tr("How often a rough preview of the frame being generated is shown. Fewer previews cost "
           "slightly less time."));
    form->addRow(tr("Live preview every"), m_preview);
    m_language = new QComboBox;
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->addItem(QStringLiteral("\u7b80\u4f53\u4e2d\u6587"), QStringLiteral("zh_CN"));
    m_language->setToolTip(tr("The language of the interface. It changes the next time Stillmotion starts."));
    form->addRow(tr("Language"), m_language);
    layout->addLayout(form);
    auto* note =
        new QLabel(tr("Device, threads and precision apply to the next model load; the language to the "
                      "next start."));
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(note);

    auto* buttons =
        new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    buttons->button(QDialogButtonBox::RestoreDefaults)
        ->setToolTip(tr("Put every setting on this page back to its default (applied with OK)."));
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            &SettingsDialog::restoreDefaults);
    connect(addFolder, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Add Model Folder"));
        if (!folder.isEmpty() && m_folders->findItems(folder, Qt::MatchExactly).isEmpty())
            m_folders->addItem(QDir::toNativeSeparators(folder));
    });
    connect(removeFolder, &QPushButton::clicked, this, [this] { delete m_folders->currentItem(); });
    load();
}

void SettingsDialog::load() {
    m_folders->clear();
    for (const QString& folder : stringListSetting(Setting::ModelSearchFolders))
        m_folders->addItem(QDir::toNativeSeparators(folder));
    setChoice(m_device, stringSetting(Setting::Device));
    m_threads->setValue(intSetting(Setting::Threads));
    setChoice(m_precision, stringSetting(Setting::Precision));
    m_preview->setValue(intSetting(Setting::PreviewInterval));
    setChoice(m_language, stringSetting(Setting::Language));
}

void SettingsDialog::restoreDefaults() {
    m_folders->clear();
    setChoice(m_device, settingSpec(Setting::Device).defaultValue.toString());
    m_threads->setValue(settingSpec(Setting::Threads).defaultValue.toInt());
    setChoice(m_precision, settingSpec(Setting::Precision).defaultValue.toString());
    m_preview->setValue(settingSpec(Setting::PreviewInterval).defaultValue.toInt());
    setChoice(m_language, settingSpec(Setting::Language).defaultValue.toString());
}

void SettingsDialog::apply() {
    QStringList folders;
    for (int i = 0; i < m_folders->count(); ++i)
        folders.append(QDir::fromNativeSeparators(m_folders->item(i)->text()));
    setSettingValue(Setting::ModelSearchFolders, folders);
    setSettingValue(Setting::Device, m_device->currentData());
    setSettingValue(Setting::Threads, m_threads->value());
    setSettingValue(Setting::Precision, m_precision->currentData());
    setSettingValue(Setting::PreviewInterval, m_preview->value());
    setSettingValue(Setting::Language, m_language->currentData());
    Q_EMIT applied();
}

}  // namespace sm::ui
