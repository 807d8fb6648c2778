#include "frame_inspector.h"

#include <QCheckBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "project_document.h"

namespace sm::ui {

FrameInspector::FrameInspector(ProjectDocument* document, QWidget* parent) : QWidget(parent), m_document(document) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    m_title = new QLabel;
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    layout->addWidget(m_title);
    m_preview = new QLabel;
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumHeight(120);
    m_preview->setToolTip(tr("The current frame as generated."));
    layout->addWidget(m_preview);

    m_fields = new QWidget;
    auto* form = new QFormLayout(m_fields);
    form->setContentsMargins(0, 0, 0, 0);
    m_ownPrompt = new QCheckBox(tr("Own prompt"));
    m_ownPrompt->setToolTip(
        tr("Give this frame a prompt of its own instead of the project prompt, e.g. to make "
           "something happen in this frame only."));
    form->addRow(m_ownPrompt);
    m_prompt = new QPlainTextEdit;
    m_prompt->setFixedHeight(60);
    m_prompt->setTabChangesFocus(true);
    m_prompt->setToolTip(tr("This frame's prompt. Empty means an explicitly empty prompt (the model sees no text)."));
    form->addRow(m_prompt);
    m_motion = new QSpinBox;
    m_motion->setRange(2, 19);
    m_motion->setToolTip(
        tr("This frame's Pix2Gif motion: how far things have moved from the source in this frame "
           "(optical-flow pixels, 2–19). The same as dragging its point on the motion curve."));
    form->addRow(tr("Motion"), m_motion);
    m_seed = new QLineEdit;
    m_seed->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,20}")), m_seed));
    m_seed->setToolTip(
        tr("This frame's seed. A seed of its own gives this frame a different variation while the "
           "others stay."));
    m_projectSeed = new QToolButton;
    m_projectSeed->setText(tr("Use project seed"));
    m_projectSeed->setToolTip(tr("Set this frame's seed back to the project seed."));
    auto* seedRow = new QWidget;
    auto* seedLayout = new QHBoxLayout(seedRow);
    seedLayout->setContentsMargins(0, 0, 0, 0);
    seedLayout->addWidget(m_seed, 1);
    seedLayout->addWidget(m_projectSeed);
    form->addRow(tr("Seed"), seedRow);
    layout->addWidget(m_fields);
    layout->addStretch(1);

    connect(m_ownPrompt, &QCheckBox::toggled, this, [this](bool own) {
        if (m_syncing)
            return;
        // Turning it on starts from the project prompt, so there is something to edit.
        m_document->setFramePrompt(
            m_index, own ? std::optional<QString>(m_document->project().prompt()) : std::optional<QString>());
    });
    connect(m_prompt, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_syncing && m_ownPrompt->isChecked())
            m_document->setFramePrompt(m_index, m_prompt->toPlainText());
    });
    connect(m_motion, &QSpinBox::valueChanged, this, [this](int value) {
        if (!m_syncing)
            m_document->setFrameMotion(m_index, value);
    });
    connect(m_seed, &QLineEdit::editingFinished, this, &FrameInspector::commitSeed);
    connect(m_projectSeed, &QToolButton::clicked, this,
            [this] { m_document->setFrameSeed(m_index, m_document->project().sampler().seed); });
    m_prompt->installEventFilter(this);
    connect(m_document, &ProjectDocument::changed, this, &FrameInspector::sync);
    connect(m_document, &ProjectDocument::frameImageChanged, this, [this](int index) {
        if (index == m_index)
            sync();
    });
    sync();
}

bool FrameInspector::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::FocusOut)
        m_document->breakMerge();
    return QWidget::eventFilter(watched, event);
}

void FrameInspector::setFrame(int index) {
    m_index = index;
    sync();
}

void FrameInspector::setMotionRange(int minimum, int maximum) {
    m_syncing = true;
    m_motion->setRange(minimum, maximum);
    m_syncing = false;
}

void FrameInspector::commitSeed() {
    if (m_syncing || m_index < 0 || m_index >= m_document->frameCount())
        return;
    bool ok = false;
    const quint64 seed = m_seed->text().toULongLong(&ok);
    if (ok)
        m_document->setFrameSeed(m_index, seed);
    else
        sync();
}

void FrameInspector::sync() {
    m_syncing = true;
    const core::Project& project = m_document->project();
    const bool valid = m_index >= 0 && m_index < project.frameCount();
    m_fields->setEnabled(valid);
    if (!valid) {
        m_title->setText(tr("No frame selected"));
        m_preview->setPixmap(QPixmap());
        m_preview->setText(tr("Select a frame in the timeline to give it its own prompt, motion or seed."));
        m_preview->setWordWrap(true);
        m_syncing = false;
        return;
    }
    const core::FrameSpec& frame = project.frame(m_index);
    m_title->setText(tr("Frame %1 of %2").arg(m_index + 1).arg(project.frameCount()));
    if (frame.hasImage()) {
        m_preview->setPixmap(
            QPixmap::fromImage(frame.image().scaled(QSize(220, 140), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    } else {
        m_preview->setPixmap(QPixmap());
        m_preview->setText(tr("not generated yet"));
    }
    m_ownPrompt->setChecked(frame.hasPromptOverride());
    m_prompt->setEnabled(frame.hasPromptOverride());
    const QString text = frame.hasPromptOverride() ? frame.promptOverride() : project.prompt();
    if (m_prompt->toPlainText() != text)
        m_prompt->setPlainText(text);
    m_motion->setValue(frame.motion());
    m_motion->setEnabled(project.model().kind == core::ModelKind::Pix2Gif);
    if (!m_seed->hasFocus())
        m_seed->setText(QString::number(frame.seed()));
    m_projectSeed->setEnabled(frame.seed() != project.sampler().seed);
    m_syncing = false;
}

}  // namespace sm::ui
