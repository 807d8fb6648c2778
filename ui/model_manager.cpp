#include "model_manager.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "model_catalog.h"

namespace sm::ui {

namespace {

enum Column { ColumnName, ColumnArchitecture, ColumnResolution, ColumnParameters, ColumnPrecision, ColumnStatus };

QString parameterText(qint64 parameters) {
    if (parameters <= 0)
        return QStringLiteral("\u2013");
    if (parameters >= 1000000000)
        return ModelManagerDialog::tr("%1 B").arg(QLocale().toString(parameters / 1e9, 'f', 2));
    if (parameters >= 1000000)
        return ModelManagerDialog::tr("%1 M").arg(QLocale().toString(parameters / 1e6, 'f', 1));
    return QLocale().toString(parameters);
}

QString kindText(core::ModelKind kind) {
    return kind == core::ModelKind::Cinemo ? QStringLiteral("Cinemo") : QStringLiteral("Pix2Gif");
}

}  // namespace

ModelManagerDialog::ModelManagerDialog(ModelCatalog* catalog, QWidget* parent) : QDialog(parent), m_catalog(catalog) {
    setWindowTitle(tr("Model Manager"));
    auto* layout = new QVBoxLayout(this);
    auto* intro =
        new QLabel(tr("Weights for Pix2Gif and Cinemo. Bundled demo models come first; add your own "
                      "checkpoints (.ckpt, .safetensors) or diffusers folders. The default of each family "
                      "is used when a project does not name its weights."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* splitter = new QSplitter(Qt::Vertical);
    m_list = new QTreeWidget;
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setHeaderLabels(
        {tr("Name"), tr("Architecture"), tr("Resolution"), tr("Parameters"), tr("Precision"), tr("Status")});
    m_list->header()->setSectionResizeMode(ColumnName, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    splitter->addWidget(m_list);
    m_details = new QLabel;
    m_details->setWordWrap(true);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMargin(6);
    m_details->setMinimumHeight(90);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    auto* buttons = new QHBoxLayout;
    auto* addFile = new QPushButton(tr("Add File\u2026"));
    addFile->setToolTip(tr("Add a single weights file (.ckpt, .safetensors, .pt, .bin)."));
    auto* addFolder = new QPushButton(tr("Add Folder\u2026"));
    addFolder->setToolTip(tr("Add a model folder (a diffusers folder, or our safetensors with a model card)."));
    m_remove = new QPushButton(tr("Remove"));
    m_remove->setToolTip(
        tr("Forget this entry; the files on disk are not touched. Bundled models cannot be "
           "removed."));
    m_default = new QPushButton(tr("Set as Default"));
    m_default->setToolTip(tr("Use these weights for projects of this family that do not name their weights."));
    m_inspect = new QPushButton(tr("Inspect Again"));
    m_inspect->setToolTip(tr("Load the weights once more to detect what they contain (after fixing a file)."));
    buttons->addWidget(addFile);
    buttons->addWidget(addFolder);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    buttons->addWidget(m_inspect);
    buttons->addWidget(m_default);
    layout->addLayout(buttons);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    layout->addWidget(close);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(addFile, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Add Weights File"), QString(),
                                         tr("Weights (*.safetensors *.ckpt *.pt *.pth *.bin);;All files (*)"));
        if (!path.isEmpty())
            addPath(path);
    });
    connect(addFolder, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getExistingDirectory(this, tr("Add Model Folder"));
        if (!path.isEmpty())
            addPath(path);
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const QString path = selectedPath();
        if (!path.isEmpty())
            m_catalog->removePath(path);
    });
    connect(m_default, &QPushButton::clicked, this, [this] {
        const QString path = selectedPath();
        if (!path.isEmpty())
            m_catalog->setDefaultModel(path);
    });
    connect(m_inspect, &QPushButton::clicked, this, [this] {
        const QString path = selectedPath();
        if (!path.isEmpty())
            m_catalog->inspect(path);
    });
    connect(m_list, &QTreeWidget::currentItemChanged, this, &ModelManagerDialog::updateDetails);
    connect(m_catalog, &ModelCatalog::entriesChanged, this, &ModelManagerDialog::rebuild);
    connect(m_catalog, &ModelCatalog::entryChanged, this, &ModelManagerDialog::updateItem);
    rebuild();
    m_catalog->inspectUnknown();
    resize(760, 460);
}

bool ModelManagerDialog::addPath(const QString& path) {
    QString error;
    if (!m_catalog->addPath(path, &error)) {
        m_details->setText(error);
        return false;
    }
    selectPath(path);
    return true;
}

void ModelManagerDialog::selectPath(const QString& path) {
    const int index = m_catalog->indexOf(path);
    if (index >= 0 && index < m_list->topLevelItemCount())
        m_list->setCurrentItem(m_list->topLevelItem(index));
}

QString ModelManagerDialog::selectedPath() const {
    const QTreeWidgetItem* item = m_list->currentItem();
    return item ? item->data(ColumnName, Qt::UserRole).toString() : QString();
}

void ModelManagerDialog::rebuild() {
    const QString selected = selectedPath();
    m_list->clear();
    for (int i = 0; i < m_catalog->entries().size(); ++i) {
        auto* item = new QTreeWidgetItem(m_list);
        fillItem(item, i);
    }
    if (!selected.isEmpty())
        selectPath(selected);
    else if (m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(0));
    for (int column = ColumnArchitecture; column <= ColumnStatus; ++column)
        m_list->resizeColumnToContents(column);
    updateDetails();
}

void ModelManagerDialog::updateItem(int index) {
    if (index < 0 || index >= m_list->topLevelItemCount())
        return;
    fillItem(m_list->topLevelItem(index), index);
    updateDetails();
}

void ModelManagerDialog::fillItem(QTreeWidgetItem* item, int index) {
    const ModelEntry& e = m_catalog->entries().at(index);
    const bool isDefault = m_catalog->defaultModel(e.kind()) == e.path;
    QString name = e.displayName;
    if (e.bundled)
        name += tr(" (demo)");
    if (isDefault)
        name += tr(" \u2605 default");
    item->setText(ColumnName, name);
    item->setData(ColumnName, Qt::UserRole, e.path);
    item->setToolTip(ColumnName, QDir::toNativeSeparators(e.path));
    const bool ready = e.status == ModelEntry::Status::Ready;
    item->setText(ColumnArchitecture, ready ? kindText(e.info.architecture) : QStringLiteral("\u2013"));
    item->setText(ColumnResolution,
                  ready ? QStringLiteral("%1 \u00d7 %2").arg(e.info.resolution.width()).arg(e.info.resolution.height())
                        : QStringLiteral("\u2013"));
    item->setText(ColumnParameters, ready ? parameterText(e.info.parameters) : QStringLiteral("\u2013"));
    item->setText(ColumnPrecision, ready ? e.info.precision : QStringLiteral("\u2013"));
    QString status;
    QColor colour;
    switch (e.status) {
        case ModelEntry::Status::Unknown:
            status = tr("not inspected");
            break;
        case ModelEntry::Status::Inspecting:
            status = tr("inspecting\u2026");
            break;
        case ModelEntry::Status::Ready:
            status = tr("ready");
            colour = QColor(60, 170, 90);
            break;
        case ModelEntry::Status::Missing:
            status = tr("missing");
            colour = QColor(210, 70, 60);
            break;
        case ModelEntry::Status::Broken:
            status = tr("cannot be used");
            colour = QColor(210, 70, 60);
            break;
    }
    item->setText(ColumnStatus, status);
    if (colour.isValid())
        item->setForeground(ColumnStatus, colour);
}

void ModelManagerDialog::updateDetails() {
    const QString path = selectedPath();
    const ModelEntry* e = m_catalog->entry(path);
    m_remove->setEnabled(e && !e->bundled);
    m_default->setEnabled(e && e->status != ModelEntry::Status::Missing && e->status != ModelEntry::Status::Broken);
    m_inspect->setEnabled(e && e->status != ModelEntry::Status::Inspecting && e->status != ModelEntry::Status::Missing);
    if (!e) {
        m_details->setText(m_catalog->entries().isEmpty()
                               ? tr("No weights yet. Add a Pix2Gif or Cinemo checkpoint with Add File\u2026 or Add "
                                    "Folder\u2026.")
                               : QString());
        return;
    }
    QString text = QStringLiteral("<b>%1</b><br>%2")
                       .arg(e->displayName.toHtmlEscaped(), QDir::toNativeSeparators(e->path).toHtmlEscaped());
    if (e->status == ModelEntry::Status::Ready) {
        text += QStringLiteral("<br>") + tr("%1 at %2 \u00d7 %3, %4 parameters, %5 on %6")
                                             .arg(kindText(e->info.architecture))
                                             .arg(e->info.resolution.width())
                                             .arg(e->info.resolution.height())
                                             .arg(parameterText(e->info.parameters), e->info.precision, e->info.device)
                                             .toHtmlEscaped();
        if (e->info.architecture == core::ModelKind::Pix2Gif)
            text += QStringLiteral("<br>") +
                    tr("Motion range %1\u2013%2").arg(e->info.minMotion).arg(e->info.maxMotion).toHtmlEscaped();
        if (!e->info.description.isEmpty())
            text += QStringLiteral("<br>") + e->info.description.toHtmlEscaped();
    } else if (!e->error.isEmpty()) {
        text += QStringLiteral("<br><span style=\"color:#d24a3c\">") +
                e->error.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")) + QStringLiteral("</span>");
    } else if (e->status == ModelEntry::Status::Inspecting) {
        text += QStringLiteral("<br>") + tr("Reading the weights\u2026");
    }
    m_details->setText(text);
}

}  // namespace sm::ui
