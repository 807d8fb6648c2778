#pragma once
// The open project as the studio edits it: a core::Project plus an undo stack. Every user edit goes through
// edit() (or one of the helpers built on it) as one QUndoCommand holding the document state before and after,
// so every edit undoes and redoes exactly, and consecutive edits of the same field within mergeWindowMs() (a
// slider drag, typing) merge into one step.
//
// Frames have identities (uids) that survive reordering; generated images follow the uid and are not part of
// undo: undoing a prompt edit never throws away a frame generated after it, and a frame removed and restored
// by undo comes back with its image. setFrameImage() (generation results) is therefore not undoable.
//
// GUI thread only.
#include <QElapsedTimer>
#include <QObject>
#include <QRect>
#include <QString>
#include <QVector>

#include <functional>

#include "project/project.h"

class QUndoStack;

namespace sm::ui {

class ProjectDocument : public QObject {
    Q_OBJECT
public:
    // What an edit touches; edits with the same key (and frame) merge within the merge window.
    enum class MergeKey {
        None,
        Prompt,
        Sampler,  // with a field id: see edit()
        Model,
        Crop,
        FramePrompt,
        FrameMotion,
        FrameSeed,
        MotionCurve,
        AllMotions,
    };

    // The editable part of the document (everything except the source image).
    struct State {
        QString prompt;
        core::ModelChoice model;
        core::SamplerSettings sampler;
        QRect crop;
        QVector<core::FrameSpec> frames;
        QVector<quint64> uids;  // one per frame
    };

    explicit ProjectDocument(QObject* parent = nullptr);
    ~ProjectDocument() override;

    const core::Project& project() const { return m_project; }
    QUndoStack* undoStack() const { return m_undo; }

    // Replaces the whole document (open, new image, recovery) and clears the undo history.
    void reset(const core::Project& project);
    // Replaces the source image and its crop (not undoable; clears the history and the generated images, which
    // belong to the previous source). Prompt, model, sampler and frame settings stay.
    void setSource(const QImage& image, const QString& path, const QRect& crop);

    int frameCount() const { return m_project.frameCount(); }
    quint64 frameUid(int index) const { return m_uids.value(index); }
    int indexOfUid(quint64 uid) const { return m_uids.indexOf(uid); }
    const QVector<quint64>& frameUids() const { return m_uids; }
    State state() const;

    // The generic edit: `mutate` changes a copy of the state; nothing is pushed when it changes nothing.
    // `mergeKey` + `mergeDetail` (e.g. a field or frame index) decide which consecutive edits merge.
    void edit(const QString& text, MergeKey mergeKey, int mergeDetail, const std::function<void(State&)>& mutate);

    // Helpers (all undoable).
    void setPrompt(const QString& prompt);
    // `field` tells merges apart: consecutive changes of the same field merge.
    void setSampler(const core::SamplerSettings& sampler, const QString& text, int field);
    void setModel(const core::ModelChoice& model, const QRect& crop);
    void setCrop(const QRect& crop);
    void setFramePrompt(int index, const std::optional<QString>& prompt);
    void setFrameMotion(int index, int motion);
    void setFrameSeed(int index, quint64 seed);
    void setMotions(const QVector<int>& motions);  // one per frame (the motion curve)
    void setAllMotions(int motion);
    void setProjectSeed(quint64 seed, const QString& text);  // also every frame's seed
    void setFrameSeeds(const QVector<int>& indexes, const QVector<quint64>& seeds, const QString& text);
    void insertFrames(int index, const QVector<core::FrameSpec>& frames);
    void removeFrames(QVector<int> indexes);
    // Moves the frames at `indexes` (kept in their order) so that the first lands at `destination`, an index
    // into the list without them. Returns the new indexes.
    QVector<int> moveFrames(QVector<int> indexes, int destination);
    // Appends frames (continuing the motion curve, with the project seed) or removes them from the end.
    void setFrameCount(int count);

    // A new frame after `index` (or at the end for -1) that continues the motion curve.
    core::FrameSpec makeFrame(int afterIndex) const;

    // Generation results (not undoable). Returns false when the frame no longer exists.
    bool setFrameImage(quint64 uid, const QImage& image);
    void clearFrameImages(const QVector<int>& indexes);

    // The training data (Project dock): saved with the project, not undoable (like results); marks the document
    // modified when it differs.
    void setDataset(const core::ProjectDataset& dataset);

    void setMergeWindowMs(int ms) { m_mergeWindowMs = ms; }
    int mergeWindowMs() const { return m_mergeWindowMs; }
    // Ends the current merge run: the next edit is a new undo step (called when a control loses focus).
    void breakMerge() { m_mergeSerial++; }

    // Whether the document differs from the last save: the undo stack is not at its clean index, or generation
    // results arrived since.
    bool isModified() const;
    void markSaved();
    // Marks a change made outside the undo stack (a recovered project is unsaved under its name).
    void markModified();

Q_SIGNALS:
    void documentReset();
    void promptChanged();
    void modelChanged();
    void samplerChanged();
    void cropChanged();
    void framesChanged();          // added, removed or reordered (uids changed)
    void frameChanged(int index);  // prompt, motion or seed of one frame
    // A generation result arrived (or was cleared). Not an edit: changed() is not emitted for it.
    void frameImageChanged(int index);
    void modifiedChanged(bool modified);
    // Any edit, undo, redo or reset (after the specific signals); not for frame images.
    void changed();

private:
    class Command;
    friend class Command;

    void apply(const State& target);
    quint64 nextUid() { return m_nextUid++; }
    void emitModified();

    core::Project m_project;
    QVector<quint64> m_uids;
    quint64 m_nextUid = 1;
    QUndoStack* m_undo = nullptr;
    int m_mergeWindowMs = 1200;
    int m_mergeSerial = 0;
    QElapsedTimer m_lastEdit;
    bool m_otherModified = false;  // changes outside the undo stack (results, new source)
    bool m_lastModified = false;
};

}  // namespace sm::ui
