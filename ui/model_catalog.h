#pragma once
// The weights the studio knows about: bundled models (resources/models/*.safetensors) first, then the files and
// folders the user added (Setting::ModelPaths) and the entries of the search folders (Setting::ModelSearchFolders).
// The studio opens on the bundled Pix2Gif demo model (kDemoModelFileName, trained by
// packaging/recipes/pix2gif-demo.sh, model card resources/models/pix2gif-demo.md) unless the user chose a default;
// with no usable model at all, resolve() says "No model found: add one in the Model Manager".
// What a backend detects in each (architecture, resolution, parameters, precision) is cached per path; an entry
// is inspected on request, off the GUI thread, one at a time, with a backend from the factory
// (GenerationBackend::inspectModel: a safetensors header only, no tensors, for the engine).
//
// GUI thread only; inspection results arrive through entryChanged().
#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include "bridge/generation_backend.h"

namespace sm::ui {

struct ModelEntry {
    enum class Status { Unknown, Inspecting, Ready, Missing, Broken };

    QString path;         // identifies the entry
    QString displayName;  // file or folder name (the model card's name once inspected)
    bool bundled = false;
    Status status = Status::Unknown;
    core::ModelDescription info;  // valid when Ready
    QString error;                // Missing / Broken: what is wrong and what to do

    // The architecture: detected, else guessed from the name ("cinemo" in it -> Cinemo, else Pix2Gif).
    core::ModelKind kind() const;
};

class ModelCatalog : public QObject {
    Q_OBJECT
public:
    explicit ModelCatalog(core::GenerationBackendFactory inspectorFactory, QObject* parent = nullptr);
    ~ModelCatalog() override;

    // The file name of the bundled Pix2Gif demo model, the default when the user has chosen none.
    static constexpr const char* kDemoModelFileName = "pix2gif-demo.safetensors";

    // Folders searched for bundled models (existing ones only): <app>/resources/models, the source tree's
    // resources/models (STILLMOTION_RESOURCES_DIR, so a build run from its tree finds the demo model) and
    // <app>/../share/stillmotion/models (installed). $STILLMOTION_MODELS_DIR, when set, replaces all of them
    // (tests and portable installs: the bundled list is then exactly that folder's). Only *.safetensors files in
    // them are listed.
    static QStringList bundledModelFolders();
    // The Stillmotion resources folder the application ships (the one holding clip/bpe_simple_vocab_16e6.txt.gz):
    // $STILLMOTION_RESOURCE_DIR, <app>/../share/stillmotion, <app>/resources, the source tree's resources/. Empty
    // when none has the vocabulary (the engine then looks next to the model only). Passed to the engine explicitly
    // (BackendLoadOptions::resourceDir).
    static QString bundledResourceFolder();
    // Whether `path` looks like weights: a folder, or a file ending in .safetensors, .ckpt, .pt, .pth, .bin.
    static bool looksLikeWeights(const QString& path);

    // Re-reads the bundled folders and the settings; keeps what was already detected.
    void refresh();
    const QVector<ModelEntry>& entries() const { return m_entries; }
    int indexOf(const QString& path) const;
    const ModelEntry* entry(const QString& path) const;

    // Adds a weights file or folder to the settings and inspects it. False (with *error) when it does not exist.
    bool addPath(const QString& path, QString* error);
    void removePath(const QString& path);

    void inspect(const QString& path);
    void inspectUnknown();
    bool isInspecting() const { return !m_inspecting.isEmpty(); }
    // Records what a real load found (the inference worker reports it), so it need not be inspected again.
    void setDescription(const QString& path, const core::ModelDescription& info);
    void setLoadError(const QString& path, const QString& error);

    // The user's default of a family (Setting::DefaultPix2GifModel / DefaultCinemoModel); empty when none chosen.
    QString defaultModel(core::ModelKind kind) const;
    void setDefaultModel(const QString& path);
    // The bundled demo model's entry path (a bundled kDemoModelFileName that is not missing or broken), or empty.
    QString demoModel() const;

    // The weights to use for `choice`: its weightsId (a path, or an entry's name), else the user's default of its
    // kind, else (Pix2Gif) the bundled demo model, else the first usable entry of that kind (bundled first). Empty
    // with *error saying what to do when there is none: noModelMessage() when no usable weights of the kind exist.
    QString resolve(const core::ModelChoice& choice, QString* error) const;

    // "No model found: add one in the Model Manager" with where that is; shown when no usable weights exist.
    static QString noModelMessage();

    // "What to do" text for a load error, appended to the backend's message.
    static QString adviceFor(const QString& path, const QString& error);

Q_SIGNALS:
    void entriesChanged();
    void entryChanged(int index);

private:
    struct Inspection {
        core::ModelDescription info;
        QString error;
    };
    void startNextInspection();
    void finishInspection();

    core::GenerationBackendFactory m_factory;
    QVector<ModelEntry> m_entries;
    QHash<QString, ModelEntry> m_cache;  // by path: survives refresh()
    QStringList m_queue;                 // paths waiting for inspection
    QString m_inspecting;
    QFutureWatcher<Inspection>* m_watcher = nullptr;
};

}  // namespace sm::ui
