#include "generation_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStyle>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

#include "bridge/generation_backend.h"
#include "model_catalog.h"
#include "project_document.h"

namespace sm::ui {

namespace {

constexpr int kFaithfulSteps = 100;
constexpr int kFastSteps = 20;
constexpr int kMaxFrames = 64;

QSlider* makeSlider(int minimum, int maximum) {
    auto* slider = new QSlider(Qt::Horizontal);
    slider->setRange(minimum, maximum);
    slider->setPageStep(1);
    slider->setTickPosition(QSlider::TicksBelow);
    slider->setTickInterval(1);
    return slider;
}

QWidget* row(std::initializer_list<QWidget*> widgets, int stretchIndex = 0) {
    auto* container = new QWidget;
    auto* layout = new QHBoxLayout(container);
    layout->setContentsMargins(0, 0, 0, 0);
    int i = 0;
    for (QWidget* widget : widgets)
        layout->addWidget(widget, i++ == stretchIndex ? 1 : 0);
    return container;
}

}  // namespace

GenerationPanel::Preset GenerationPanel::presetFor(const core::SamplerSettings& sampler) {
    if (sampler.sampler == QLatin1String(core::kSamplerEulerAncestral) && sampler.steps == kFaithfulSteps)
        return Preset::Faithful;
    if (sampler.sampler == QLatin1String(core::kSamplerDpmPP2MKarras) && sampler.steps == kFastSteps)
        return Preset::FastPreview;
    return Preset::Custom;
}

void GenerationPanel::applyPreset(Preset preset, core::SamplerSettings* sampler) {
    if (preset == Preset::Faithful) {
        sampler->sampler = QLatin1String(core::kSamplerEulerAncestral);
        sampler->steps = kFaithfulSteps;
    } else if (preset == Preset::FastPreview) {
        sampler->sampler = QLatin1String(core::kSamplerDpmPP2MKarras);
        sampler->steps = kFastSteps;
    }
}

GenerationPanel::GenerationPanel(ProjectDocument* document, ModelCatalog* catalog, QWidget* parent)
    : QWidget(parent), m_document(document), m_catalog(catalog) {
    buildUi();
    connect(m_document, &ProjectDocument::changed, this, &GenerationPanel::syncFromDocument);
    connect(m_document, &ProjectDocument::documentReset, this, &GenerationPanel::syncFromDocument);
    connect(m_catalog, &ModelCatalog::entriesChanged, this, &GenerationPanel::syncWeights);
    connect(m_catalog, &ModelCatalog::entryChanged, this, &GenerationPanel::syncWeights);
    syncFromDocument();
}

void GenerationPanel::buildUi() {
    // Settings scroll; the action buttons below them stay in view.
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* settings = new QWidget;
    scroll->setWidget(settings);
    outer->addWidget(scroll, 1);
    auto* layout = new QVBoxLayout(settings);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(10);

    // Prompt.
    auto* promptGroup = new QGroupBox(tr("Prompt"));
    auto* promptLayout = new QVBoxLayout(promptGroup);
    m_prompt = new QPlainTextEdit;
    m_prompt->setPlaceholderText(tr("Describe the scene and what moves, e.g. \u201cthe flag waves in the wind\u201d"));
    m_prompt->setToolTip(
        tr("What the animation shows. Frames without a prompt of their own use this one. Pix2Gif "
           "adds the motion sentence itself, so describe the scene and the movement."));
    m_prompt->setTabChangesFocus(true);
    m_prompt->setFixedHeight(72);
    promptLayout->addWidget(m_prompt);
    layout->addWidget(promptGroup);
    connect(m_prompt, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_syncing)
            m_document->setPrompt(m_prompt->toPlainText());
    });

    // Model.
    auto* modelGroup = new QGroupBox(tr("Model"));
    auto* modelForm = new QFormLayout(modelGroup);
    m_kind = new QComboBox;
    // No resolution in the names: it belongs to the weights (SD-sized Pix2Gif 256 × 256, the demo 64 × 64); the
    // loaded model's line below says it.
    m_kind->addItem(tr("Pix2Gif"), int(core::ModelKind::Pix2Gif));
    m_kind->addItem(tr("Cinemo"), int(core::ModelKind::Cinemo));
    m_kind->setToolTip(
        tr("The model family. Pix2Gif draws each frame from the source with its own motion value (256 \u00d7 "
           "256 for weights made from Stable Diffusion, 64 \u00d7 64 for the demo model). Cinemo generates the "
           "whole clip at once from the source and one motion intensity (512 \u00d7 320). Changing it resets "
           "the crop to the model's aspect; the loaded model's resolution is shown below."));
    modelForm->addRow(tr("Family"), m_kind);
    m_weights = new QComboBox;
    m_weights->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_weights->setMinimumContentsLength(12);
    m_weights->setToolTip(
        tr("Which weights generate the frames. “Default\u201d uses the default chosen in the "
           "Model Manager. Different weights give different styles and quality."));
    m_manageModels = new QToolButton;
    m_manageModels->setText(tr("Manage\u2026"));
    m_manageModels->setToolTip(
        tr("Open the Model Manager: add weights files or folders, see what was detected, pick "
           "the default."));
    modelForm->addRow(tr("Weights"), row({m_weights, m_manageModels}));
    m_loaded = new QLabel;
    m_loaded->setWordWrap(true);
    m_loaded->setForegroundRole(QPalette::PlaceholderText);
    m_loaded->setToolTip(tr("The weights the inference thread has in memory now."));
    modelForm->addRow(tr("Loaded"), m_loaded);
    layout->addWidget(modelGroup);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_syncing)
            Q_EMIT kindChangeRequested(core::ModelKind(m_kind->currentData().toInt()));
    });
    connect(m_weights, &QComboBox::currentIndexChanged, this, [this] {
        if (m_syncing)
            return;
        core::ModelChoice choice = m_document->project().model();
        choice.weightsId = m_weights->currentData().toString();
        m_document->setModel(choice, m_document->project().crop());
    });
    connect(m_manageModels, &QToolButton::clicked, this, &GenerationPanel::manageModelsRequested);

    // Motion.
    auto* motionGroup = new QGroupBox(tr("Motion"));
    auto* motionForm = new QFormLayout(motionGroup);
    m_motion = makeSlider(2, 19);
    m_motionValue = new QLabel;
    m_motionValue->setMinimumWidth(48);
    m_motion->setToolTip(
        tr("Pix2Gif motion: how far things move between the source and a frame, in pixels of "
           "optical flow (trained range 2–19). Moving the slider sets every frame; shape "
           "single frames with the motion curve in the timeline."));
    m_motionRow = row({m_motion, m_motionValue});
    m_motionLabel = new QLabel(tr("Pix2Gif motion"));
    motionForm->addRow(m_motionLabel, m_motionRow);
    m_intensity = makeSlider(0, 19);
    m_intensityValue = new QLabel;
    m_intensityValue->setMinimumWidth(48);
    m_intensity->setToolTip(
        tr("Cinemo motion intensity: how much the whole clip moves, from 0 (almost still) to 19 "
           "(strong motion)."));
    m_intensityRow = row({m_intensity, m_intensityValue});
    m_intensityLabel = new QLabel(tr("Cinemo intensity"));
    motionForm->addRow(m_intensityLabel, m_intensityRow);
    layout->addWidget(motionGroup);
    connect(m_motion, &QSlider::valueChanged, this, [this](int value) {
        m_motionValue->setText(QString::number(value));
        if (!m_syncing)
            m_document->setAllMotions(value);
    });
    connect(m_intensity, &QSlider::valueChanged, this, [this](int value) {
        m_intensityValue->setText(QString::number(value));
        editSampler(tr("Set motion intensity"), FieldIntensity,
                    [value](core::SamplerSettings& s) { s.motionIntensity = value; });
    });

    // Sampling.
    auto* samplingGroup = new QGroupBox(tr("Sampling"));
    auto* samplingForm = new QFormLayout(samplingGroup);
    m_preset = new QComboBox;
    m_preset->addItem(tr("Faithful (Euler ancestral, 100 steps)"));
    m_preset->addItem(tr("Fast preview (DPM++ 2M Karras, 20 steps)"));
    m_preset->addItem(tr("Custom"));
    m_preset->setToolTip(
        tr("Faithful reproduces the authors' results (slow). Fast preview takes a fifth of the "
           "time with slightly softer detail: use it to try prompts and motion, then switch back."));
    samplingForm->addRow(tr("Preset"), m_preset);
    m_sampler = new QComboBox;
    m_sampler->addItem(tr("Euler ancestral"), QLatin1String(core::kSamplerEulerAncestral));
    m_sampler->addItem(tr("Euler"), QLatin1String(core::kSamplerEuler));
    m_sampler->addItem(tr("DPM++ 2M Karras"), QLatin1String(core::kSamplerDpmPP2MKarras));
    m_sampler->addItem(tr("DDIM"), QLatin1String(core::kSamplerDdim));
    m_sampler->setToolTip(
        tr("The denoising method. Ancestral samplers add fresh noise each step (more variety); "
           "DPM++ 2M Karras and DDIM converge in fewer steps."));
    samplingForm->addRow(tr("Sampler"), m_sampler);
    m_steps = new QSpinBox;
    m_steps->setRange(1, 1000);
    m_steps->setToolTip(
        tr("Denoising steps per frame. More steps: finer detail and slower generation; time grows "
           "linearly with the steps."));
    samplingForm->addRow(tr("Steps"), m_steps);
    m_textScale = new QDoubleSpinBox;
    m_textScale->setRange(0.0, 30.0);
    m_textScale->setSingleStep(0.5);
    m_textScale->setDecimals(2);
    m_textScale->setToolTip(
        tr("Text guidance: how strongly the frames follow the prompt. Higher follows the text "
           "more closely but looks harsher; 7.5 is the authors' default."));
    samplingForm->addRow(tr("Text guidance"), m_textScale);
    m_imageScale = new QDoubleSpinBox;
    m_imageScale->setRange(0.0, 10.0);
    m_imageScale->setSingleStep(0.1);
    m_imageScale->setDecimals(2);
    m_imageScale->setToolTip(
        tr("Image guidance (Pix2Gif): how closely the frames keep to the source image. Higher "
           "keeps more of the source and moves less; lower lets the prompt change more."));
    m_imageScaleLabel = new QLabel(tr("Image guidance"));
    samplingForm->addRow(m_imageScaleLabel, m_imageScale);
    layout->addWidget(samplingGroup);
    connect(m_preset, &QComboBox::activated, this, [this](int index) {
        if (Preset(index) == Preset::Custom)
            return;
        editSampler(tr("Choose preset"), FieldSampler,
                    [index](core::SamplerSettings& s) { applyPreset(Preset(index), &s); });
    });
    connect(m_sampler, &QComboBox::currentIndexChanged, this, [this] {
        const QString name = m_sampler->currentData().toString();
        editSampler(tr("Choose sampler"), FieldSampler, [name](core::SamplerSettings& s) { s.sampler = name; });
    });
    connect(m_steps, &QSpinBox::valueChanged, this, [this](int value) {
        editSampler(tr("Set steps"), FieldSteps, [value](core::SamplerSettings& s) { s.steps = value; });
    });
    connect(m_textScale, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        editSampler(tr("Set text guidance"), FieldTextScale,
                    [value](core::SamplerSettings& s) { s.textGuidanceScale = value; });
    });
    connect(m_imageScale, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        editSampler(tr("Set image guidance"), FieldImageScale,
                    [value](core::SamplerSettings& s) { s.imageGuidanceScale = value; });
    });

    // Seed and frames.
    auto* framesGroup = new QGroupBox(tr("Seed and frames"));
    auto* framesForm = new QFormLayout(framesGroup);
    m_seed = new QLineEdit;
    m_seed->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,20}")), m_seed));
    m_seed->setToolTip(
        tr("The random seed: the same seed, prompt and settings give the same frames. Changing it "
           "sets the seed of every frame; give single frames their own seed in the Frame panel."));
    m_seedLock = new QToolButton;
    m_seedLock->setCheckable(true);
    m_seedLock->setText(tr("Lock"));
    m_seedLock->setToolTip(
        tr("Locked: Generate keeps the seed, so only your changes alter the result. Unlocked: "
           "every Generate draws a new seed and gives a new variation."));
    m_randomise = new QToolButton;
    m_randomise->setText(tr("Randomise"));
    m_randomise->setToolTip(
        tr("Draw a new random seed now (for every frame): a different variation of the same "
           "animation."));
    framesForm->addRow(tr("Seed"), row({m_seed, m_seedLock, m_randomise}));
    m_frameCount = new QSpinBox;
    m_frameCount->setRange(0, kMaxFrames);
    m_frameCount->setSpecialValueText(tr("none"));
    m_frameCount->setToolTip(
        tr("How many frames the animation has. New frames continue the motion curve; removing "
           "frames drops them from the end (add or remove single frames in the timeline)."));
    m_fps = new QDoubleSpinBox;
    m_fps->setRange(1.0, 60.0);
    m_fps->setDecimals(1);
    m_fps->setSuffix(tr(" fps"));
    m_fps->setToolTip(
        tr("Playback speed in frames per second, for the preview and the export (Pix2Gif's demo "
           "uses 4, Cinemo 8). Cinemo also takes it as a hint for the motion."));
    framesForm->addRow(tr("Frames"), row({m_frameCount, m_fps}, 0));
    m_noisePerFrame = new QCheckBox(tr("Different noise per frame"));
    m_noisePerFrame->setToolTip(
        tr("Off (the authors' behaviour): every frame starts from the same noise, which keeps "
           "the frames consistent. On: each frame gets its own noise: more variety, more "
           "flicker."));
    framesForm->addRow(QString(), m_noisePerFrame);
    layout->addWidget(framesGroup);
    connect(m_seed, &QLineEdit::editingFinished, this, &GenerationPanel::commitSeed);
    connect(m_seedLock, &QToolButton::toggled, this, [this](bool locked) {
        m_seedLock->setText(locked ? tr("Locked") : tr("Lock"));
        editSampler(locked ? tr("Lock seed") : tr("Unlock seed"), FieldSeedLock,
                    [locked](core::SamplerSettings& s) { s.seedLocked = locked; });
    });
    connect(m_randomise, &QToolButton::clicked, this, &GenerationPanel::randomiseSeed);
    connect(m_frameCount, &QSpinBox::valueChanged, this, [this](int value) {
        if (!m_syncing)
            m_document->setFrameCount(value);
    });
    connect(m_fps, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        editSampler(tr("Set frame rate"), FieldFps, [value](core::SamplerSettings& s) { s.fps = value; });
    });
    connect(m_noisePerFrame, &QCheckBox::toggled, this, [this](bool on) {
        editSampler(tr("Toggle noise per frame"), FieldNoise, [on](core::SamplerSettings& s) { s.noisePerFrame = on; });
    });

    // Cinemo DCTInit.
    m_dctGroup = new QGroupBox(tr("DCTInit (Cinemo)"));
    m_dctGroup->setCheckable(true);
    m_dctGroup->setToolTip(
        tr("Cinemo's noise initialisation: starts from the low frequencies of the source instead "
           "of pure noise, which keeps colours and layout stable and avoids sudden changes. "
           "Only Cinemo uses it."));
    auto* dctForm = new QFormLayout(m_dctGroup);
    m_dctP = new QDoubleSpinBox;
    m_dctP->setRange(0.0, 1.0);
    m_dctP->setSingleStep(0.01);
    m_dctP->setDecimals(2);
    m_dctP->setToolTip(
        tr("Share of DCT coefficients taken from the source (0–1, default 0.23). Higher keeps "
           "more of the source's structure and gives less motion."));
    dctForm->addRow(tr("Low-pass ratio"), m_dctP);
    m_dctTau = new QSpinBox;
    m_dctTau->setRange(0, 999);
    m_dctTau->setToolTip(
        tr("Diffusion timestep at which the source is noised (0–999, default 975). Lower keeps "
           "more of the source; higher gives the model more freedom."));
    dctForm->addRow(tr("Noise timestep"), m_dctTau);
    layout->addWidget(m_dctGroup);
    connect(m_dctGroup, &QGroupBox::toggled, this, [this](bool on) {
        editSampler(tr("Toggle DCTInit"), FieldDctInit, [on](core::SamplerSettings& s) { s.dctInit = on; });
    });
    connect(m_dctP, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        editSampler(tr("Set DCTInit ratio"), FieldDctP, [value](core::SamplerSettings& s) { s.dctInitP = value; });
    });
    connect(m_dctTau, &QSpinBox::valueChanged, this, [this](int value) {
        editSampler(tr("Set DCTInit timestep"), FieldDctTau,
                    [value](core::SamplerSettings& s) { s.dctInitTau = value; });
    });

    layout->addStretch(1);

    // Actions.
    m_generate = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Generate"));
    m_generate->setDefault(true);
    m_generate->setMinimumHeight(34);
    m_generate->setToolTip(tr("Generate every frame from the source with these settings (Ctrl+Return)."));
    m_regenerate = new QPushButton(tr("Regenerate selected"));
    m_regenerate->setToolTip(
        tr("Generate only the frames selected in the timeline again; the others stay "
           "(Ctrl+Shift+Return). Unlocked seeds give those frames a new variation."));
    m_cancel = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Cancel"));
    m_cancel->setToolTip(tr("Stop generating (Esc). Frames finished so far are kept."));
    auto* actions = new QVBoxLayout;
    actions->setContentsMargins(8, 8, 8, 8);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_regenerate);
    buttons->addWidget(m_cancel);
    actions->addWidget(m_generate);
    actions->addLayout(buttons);
    outer->addLayout(actions);
    // Long item texts must not widen the dock: combo boxes shrink and elide.
    for (QComboBox* box : findChildren<QComboBox*>()) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(8);
    }
    m_seed->setMinimumWidth(60);
    connect(m_generate, &QPushButton::clicked, this, &GenerationPanel::generateRequested);
    connect(m_regenerate, &QPushButton::clicked, this, &GenerationPanel::regenerateSelectedRequested);
    connect(m_cancel, &QPushButton::clicked, this, &GenerationPanel::cancelRequested);
    setBusy(false);

    // A pause in typing or leaving a field ends its undo step.
    for (QWidget* w : {static_cast<QWidget*>(m_prompt), static_cast<QWidget*>(m_steps),
                       static_cast<QWidget*>(m_textScale), static_cast<QWidget*>(m_imageScale)})
        w->installEventFilter(this);
}

bool GenerationPanel::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::FocusOut)
        m_document->breakMerge();
    return QWidget::eventFilter(watched, event);
}

void GenerationPanel::editSampler(const QString& text, int field,
                                  const std::function<void(core::SamplerSettings&)>& change) {
    if (m_syncing)
        return;
    core::SamplerSettings sampler = m_document->project().sampler();
    change(sampler);
    m_document->setSampler(sampler, text, field);
}

void GenerationPanel::commitSeed() {
    if (m_syncing)
        return;
    bool ok = false;
    const quint64 seed = m_seed->text().toULongLong(&ok);
    if (!ok) {
        m_seed->setText(QString::number(m_document->project().sampler().seed));  // out of range: back to the seed
        return;
    }
    if (seed != m_document->project().sampler().seed)
        m_document->setProjectSeed(seed, tr("Set seed"));
}

void GenerationPanel::randomiseSeed() {
    // Seeds stay below 2^53 so that they read back exactly from any JSON tool.
    const quint64 seed = QRandomGenerator::global()->bounded(quint64(1) << 53);
    m_document->setProjectSeed(seed, tr("Randomise seed"));
}

// Widgets follow the document (undo, load); m_syncing keeps their change signals from becoming edits.
void GenerationPanel::syncFromDocument() {
    m_syncing = true;
    const core::Project& project = m_document->project();
    const core::SamplerSettings& s = project.sampler();
    const bool cinemo = project.model().kind == core::ModelKind::Cinemo;

    if (m_prompt->toPlainText() != project.prompt()) {
        // Keep the cursor where it was when undo changes the text under it.
        const int position = m_prompt->textCursor().position();
        m_prompt->setPlainText(project.prompt());
        QTextCursor cursor = m_prompt->textCursor();
        cursor.setPosition(qMin(position, int(project.prompt().size())));
        m_prompt->setTextCursor(cursor);
    }
    m_kind->setCurrentIndex(m_kind->findData(int(project.model().kind)));
    if (project.model() != m_syncedModel) {
        m_syncedModel = project.model();
        syncWeights();
    }

    // Motion: all frames equal -> that value; else their mean, marked as varying.
    int motionSum = 0;
    bool uniform = true;
    for (int i = 0; i < project.frameCount(); ++i) {
        motionSum += project.frame(i).motion();
        uniform = uniform && project.frame(i).motion() == project.frame(0).motion();
    }
    if (project.frameCount() > 0) {
        const int mean = int(std::lround(double(motionSum) / project.frameCount()));
        m_motion->setValue(uniform ? project.frame(0).motion() : mean);
        m_motionValue->setText(uniform ? QString::number(project.frame(0).motion()) : tr("varies"));
    } else {
        m_motionValue->setText(QString::number(m_motion->value()));
    }
    m_motionLabel->setEnabled(!cinemo);
    m_motionRow->setEnabled(!cinemo && project.frameCount() > 0);
    m_intensity->setValue(qBound(0, s.motionIntensity, 19));
    m_intensityValue->setText(QString::number(s.motionIntensity));
    m_intensityLabel->setEnabled(cinemo);
    m_intensityRow->setEnabled(cinemo);

    m_preset->setCurrentIndex(int(presetFor(s)));
    const int samplerIndex = m_sampler->findData(s.sampler);
    if (samplerIndex >= 0) {
        m_sampler->setCurrentIndex(samplerIndex);
    } else {
        m_sampler->addItem(s.sampler, s.sampler);  // a name from a newer engine: keep it selectable
        m_sampler->setCurrentIndex(m_sampler->count() - 1);
    }
    m_steps->setValue(s.steps);
    m_textScale->setValue(s.textGuidanceScale);
    m_imageScale->setValue(s.imageGuidanceScale);
    m_imageScale->setEnabled(!cinemo);
    m_imageScaleLabel->setEnabled(!cinemo);
    // DDIM is Cinemo's sampler; Pix2Gif offers the k-diffusion ones.
    if (auto* model = qobject_cast<QStandardItemModel*>(m_sampler->model())) {
        const int ddim = m_sampler->findData(QLatin1String(core::kSamplerDdim));
        if (ddim >= 0)
            model->item(ddim)->setEnabled(cinemo || s.sampler == QLatin1String(core::kSamplerDdim));
    }

    if (!m_seed->hasFocus() || m_seed->text().isEmpty())
        m_seed->setText(QString::number(s.seed));
    m_seedLock->setChecked(s.seedLocked);
    m_seedLock->setText(s.seedLocked ? tr("Locked") : tr("Lock"));
    m_frameCount->setValue(project.frameCount());
    m_fps->setValue(s.fps);
    m_noisePerFrame->setChecked(s.noisePerFrame);

    m_dctGroup->setChecked(s.dctInit);
    m_dctGroup->setEnabled(cinemo);
    m_dctP->setValue(s.dctInitP);
    m_dctTau->setValue(s.dctInitTau);
    m_syncing = false;
}

// The weights box lists the entries of the current family; a project naming weights that are not installed keeps
// that name selectable (marked), so opening such a project does not silently change its model.
void GenerationPanel::syncWeights() {
    const bool wasSyncing = m_syncing;
    m_syncing = true;
    const core::ModelChoice choice = m_document->project().model();
    m_weights->clear();
    QString error;
    const QString resolved = m_catalog->resolve(core::ModelChoice{choice.kind, QString()}, &error);
    const ModelEntry* resolvedEntry = m_catalog->entry(resolved);
    m_weights->addItem(
        resolved.isEmpty()
            ? tr("No model found: add one in the Model Manager")
            : tr("Default (%1)").arg(resolvedEntry ? resolvedEntry->displayName : QFileInfo(resolved).fileName()),
        QString());
    for (const ModelEntry& e : m_catalog->entries()) {
        if (e.kind() != choice.kind)
            continue;
        QString label = e.displayName;
        if (e.bundled)
            label += tr(" (demo)");
        if (e.status == ModelEntry::Status::Missing || e.status == ModelEntry::Status::Broken)
            label += tr(" \u2014 unusable");
        m_weights->addItem(label, e.path);
        m_weights->setItemData(m_weights->count() - 1, e.path, Qt::ToolTipRole);
    }
    int index = m_weights->findData(choice.weightsId);
    if (index < 0 && !choice.weightsId.isEmpty()) {
        m_weights->addItem(tr("%1 (not installed)").arg(choice.weightsId), choice.weightsId);
        index = m_weights->count() - 1;
    }
    m_weights->setCurrentIndex(qMax(0, index));
    m_syncing = wasSyncing;
}

void GenerationPanel::setLoadedModelText(const QString& text) {
    m_loaded->setText(text.isEmpty() ? tr("nothing yet (loads on the first Generate)") : text);
}

void GenerationPanel::setBusy(bool busy) {
    m_busy = busy;
    m_cancel->setEnabled(busy);
    m_regenerate->setEnabled(m_hasSelection);
}

void GenerationPanel::setHasSelection(bool hasSelection) {
    m_hasSelection = hasSelection;
    m_regenerate->setEnabled(hasSelection);
}

void GenerationPanel::setMotionRange(int minimum, int maximum) {
    const QSignalBlocker blocker(m_motion);
    m_motion->setRange(minimum, maximum);
}

}  // namespace sm::ui
