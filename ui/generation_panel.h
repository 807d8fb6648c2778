#pragma once
// The "Generate" dock: prompt, model and weights, motion, sampler preset and steps, guidance scales, seed (lock,
// randomise), number of frames, fps, noise per frame and Cinemo's DCTInit, plus the Generate / Regenerate
// selected / Cancel buttons. Every control edits the ProjectDocument (so every change is undoable) and follows it
// back (undo, loading a project). Each control's tooltip says what it does to the result.
//
// GUI thread only.
#include <QWidget>

#include <functional>

#include "project/project.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QToolButton;
class QGroupBox;

namespace sm::ui {

class ModelCatalog;
class ProjectDocument;

class GenerationPanel : public QWidget {
    Q_OBJECT
public:
    // Sampling presets (index in the preset box).
    enum class Preset { Faithful, FastPreview, Custom };
    // Sampler fields, as merge details for ProjectDocument::setSampler.
    enum Field {
        FieldSampler = 1,
        FieldSteps,
        FieldTextScale,
        FieldImageScale,
        FieldFps,
        FieldDctInit,
        FieldDctP,
        FieldDctTau,
        FieldIntensity,
        FieldNoise,
        FieldSeedLock
    };

    GenerationPanel(ProjectDocument* document, ModelCatalog* catalog, QWidget* parent = nullptr);

    static Preset presetFor(const core::SamplerSettings& sampler);
    static void applyPreset(Preset preset, core::SamplerSettings* sampler);

    // Shows what the worker has loaded ("" = nothing yet) and whether a generation runs.
    void setLoadedModelText(const QString& text);
    void setBusy(bool busy);
    void setHasSelection(bool hasSelection);
    void setMotionRange(int minimum, int maximum);

    // The controls, for tests and for focus handling.
    QPlainTextEdit* promptEdit() const { return m_prompt; }
    QComboBox* kindBox() const { return m_kind; }
    QComboBox* weightsBox() const { return m_weights; }
    QSlider* motionSlider() const { return m_motion; }
    QSlider* intensitySlider() const { return m_intensity; }
    QComboBox* presetBox() const { return m_preset; }
    QComboBox* samplerBox() const { return m_sampler; }
    QSpinBox* stepsBox() const { return m_steps; }
    QDoubleSpinBox* textScaleBox() const { return m_textScale; }
    QDoubleSpinBox* imageScaleBox() const { return m_imageScale; }
    QLineEdit* seedEdit() const { return m_seed; }
    QToolButton* seedLockButton() const { return m_seedLock; }
    QToolButton* randomiseButton() const { return m_randomise; }
    QSpinBox* frameCountBox() const { return m_frameCount; }
    QDoubleSpinBox* fpsBox() const { return m_fps; }
    QCheckBox* noisePerFrameBox() const { return m_noisePerFrame; }
    QGroupBox* dctGroup() const { return m_dctGroup; }
    QDoubleSpinBox* dctPBox() const { return m_dctP; }
    QSpinBox* dctTauBox() const { return m_dctTau; }
    QPushButton* generateButton() const { return m_generate; }
    QPushButton* regenerateButton() const { return m_regenerate; }
    QPushButton* cancelButton() const { return m_cancel; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    void kindChangeRequested(sm::core::ModelKind kind);
    void generateRequested();
    void regenerateSelectedRequested();
    void cancelRequested();
    void manageModelsRequested();

private:
    void buildUi();
    void syncFromDocument();
    void syncWeights();
    void editSampler(const QString& text, int field, const std::function<void(core::SamplerSettings&)>& change);
    void commitSeed();
    void randomiseSeed();

    ProjectDocument* m_document;
    ModelCatalog* m_catalog;
    bool m_syncing = false;
    core::ModelChoice m_syncedModel{core::ModelKind::Pix2Gif, QStringLiteral("\n")};  // what syncWeights() showed
    bool m_busy = false;
    bool m_hasSelection = false;

    QPlainTextEdit* m_prompt = nullptr;
    QComboBox* m_kind = nullptr;
    QComboBox* m_weights = nullptr;
    QToolButton* m_manageModels = nullptr;
    QLabel* m_loaded = nullptr;
    QWidget* m_motionRow = nullptr;
    QSlider* m_motion = nullptr;
    QLabel* m_motionValue = nullptr;
    QWidget* m_intensityRow = nullptr;
    QSlider* m_intensity = nullptr;
    QLabel* m_intensityValue = nullptr;
    QLabel* m_motionLabel = nullptr;
    QLabel* m_intensityLabel = nullptr;
    QComboBox* m_preset = nullptr;
    QComboBox* m_sampler = nullptr;
    QSpinBox* m_steps = nullptr;
    QDoubleSpinBox* m_textScale = nullptr;
    QDoubleSpinBox* m_imageScale = nullptr;
    QLabel* m_imageScaleLabel = nullptr;
    QLineEdit* m_seed = nullptr;
    QToolButton* m_seedLock = nullptr;
    QToolButton* m_randomise = nullptr;
    QSpinBox* m_frameCount = nullptr;
    QDoubleSpinBox* m_fps = nullptr;
    QCheckBox* m_noisePerFrame = nullptr;
    QGroupBox* m_dctGroup = nullptr;
    QDoubleSpinBox* m_dctP = nullptr;
    QSpinBox* m_dctTau = nullptr;
    QPushButton* m_generate = nullptr;
    QPushButton* m_regenerate = nullptr;
    QPushButton* m_cancel = nullptr;
};

}  // namespace sm::ui
