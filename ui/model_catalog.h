#pragma once
// The weights the studio knows about: bundled demo models (resources/models/*) first, then the files and folders
// the user added (Setting::ModelPaths) and the entries of the search folders (Setting::ModelSearchFolders).
// What a backend detects in each (architecture, resolution, parameters, precision) is cached per path; an entry
// is inspected on request, off the GUI thread, one at a time, with a backend from the factory.
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

    // Folders searched for bundled models: $STILLMOTION_MODELS_DIR, <app>/../share/stillmotion/models,
    // <app>/resources/models and the source tree's resources/models.
    static QStringList bundledModelFolders();
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

    QString defaultModel(core::ModelKind kind) const;
    void setDefaultModel(const QString& path);

    // The weights to use for `choice`: its weightsId (a path, or an entry's name) or else the default of its kind,
    // else the first entry of that kind. Empty with *error saying what to do when there is none.
    QString resolve(const core::ModelChoice& choice, QString* error) const;

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
