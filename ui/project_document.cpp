#include "project_document.h"

#include <QUndoCommand>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

namespace sm::ui {

namespace {

constexpr int kDefaultMinMotion = 2;  // Pix2Gif's trained range
constexpr int kDefaultMaxMotion = 19;

// Frame settings without the generated image: images are results, not edits.
bool sameSpec(const core::FrameSpec& a, const core::FrameSpec& b) {
    return a.hasPromptOverride() == b.hasPromptOverride() && a.promptOverride() == b.promptOverride() &&
           a.motion() == b.motion() && a.seed() == b.seed();
}

bool sameFrames(const QVector<core::FrameSpec>& a, const QVector<core::FrameSpec>& b) {
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i) {
        if (!sameSpec(a.at(i), b.at(i)))
            return false;
    }
    return true;
}

bool sameState(const ProjectDocument::State& a, const ProjectDocument::State& b) {
    return a.prompt == b.prompt && a.model == b.model && a.sampler == b.sampler && a.crop == b.crop &&
           a.uids == b.uids && sameFrames(a.frames, b.frames);
}

}  // namespace

// One undo step: the state before and after. Merges with the next command of the same key, detail and merge run.
class ProjectDocument::Command : public QUndoCommand {
public:
    Command(ProjectDocument* document, const QString& text, MergeKey key, int detail, int serial, State before,
            State after)
        : QUndoCommand(text),
          m_document(document),
          m_key(key),
          m_detail(detail),
          m_serial(serial),
          m_before(std::move(before)),
          m_after(std::move(after)) {}

    void redo() override { m_document->apply(m_after); }
    void undo() override { m_document->apply(m_before); }
    int id() const override { return m_key == MergeKey::None ? -1 : int(m_key); }

    bool mergeWith(const QUndoCommand* other) override {
        const auto* next = static_cast<const Command*>(other);
        if (next->m_key != m_key || next->m_detail != m_detail || next->m_serial != m_serial)
            return false;
        m_after = next->m_after;
        // Dragging a slider back to where it started leaves nothing to undo.
        setObsolete(sameState(m_before, m_after));
        return true;
    }

private:
    ProjectDocument* m_document;
    MergeKey m_key;
    int m_detail;
    int m_serial;
    State m_before;
    State m_after;
};

ProjectDocument::ProjectDocument(QObject* parent) : QObject(parent), m_undo(new QUndoStack(this)) {
    connect(m_undo, &QUndoStack::cleanChanged, this, [this] { emitModified(); });
    m_lastEdit.invalidate();
}

ProjectDocument::~ProjectDocument() = default;

ProjectDocument::State ProjectDocument::state() const {
    State s;
    s.prompt = m_project.prompt();
    s.model = m_project.model();
    s.sampler = m_project.sampler();
    s.crop = m_project.crop();
    s.frames = m_project.frames();
    s.uids = m_uids;
    return s;
}

void ProjectDocument::reset(const core::Project& project) {
    // New uids: jobs still in flight for the previous document must not find "their" frames in this one.
    m_project = project;
    m_uids.clear();
    for (int i = 0; i < m_project.frameCount(); ++i)
        m_uids.append(nextUid());
    m_undo->clear();
    m_undo->setClean();
    m_otherModified = false;
    m_lastEdit.invalidate();
    Q_EMIT documentReset();
    Q_EMIT changed();
    emitModified();
}

void ProjectDocument::setSource(const QImage& image, const QString& path, const QRect& crop) {
    core::Project project = m_project;
    project.setSourceImage(image);
    project.setSourcePath(path);
    project.setCrop(crop);
    QVector<core::FrameSpec> frames = project.frames();
    for (core::FrameSpec& frame : frames)
        frame.clearImage();  // they belong to the previous source
    project.setFrames(frames);
    reset(project);
    m_otherModified = true;
    emitModified();
}

void ProjectDocument::edit(const QString& text, MergeKey mergeKey, int mergeDetail,
                           const std::function<void(State&)>& mutate) {
    const State before = state();
    State after = before;
    mutate(after);
    if (after.uids.size() != after.frames.size()) {
        Q_ASSERT_X(false, "ProjectDocument::edit", "frames and uids out of step");
        return;
    }
    // A no-op (e.g. a spin box set to its current value) must not become an undo step.
    if (sameState(before, after))
        return;
    // Edits of one field in quick succession are one gesture; a pause starts a new undo step.
    if (!m_lastEdit.isValid() || m_lastEdit.elapsed() > m_mergeWindowMs)
        ++m_mergeSerial;
    m_lastEdit.start();
    m_undo->push(new Command(this, text, mergeKey, mergeDetail, m_mergeSerial, before, after));
}

void ProjectDocument::apply(const State& target) {
    const State current = state();
    const bool promptDiffers = current.prompt != target.prompt;
    const bool modelDiffers = current.model != target.model;
    const bool samplerDiffers = current.sampler != target.sampler;
    const bool cropDiffers = current.crop != target.crop;
    const bool structureDiffers = current.uids != target.uids;

    // Images follow the frame identity: a frame that exists now keeps the image it has now.
    QVector<core::FrameSpec> frames = target.frames;
    for (int i = 0; i < frames.size(); ++i) {
        const int now = m_uids.indexOf(target.uids.at(i));
        if (now >= 0) {
            if (m_project.frame(now).hasImage())
                frames[i].setImage(m_project.frame(now).image());
            else
                frames[i].clearImage();
        }
    }
    // Only property changes of frames that stayed in place are reported per frame; a structural change is
    // reported once as framesChanged() and listeners rebuild.
    QVector<int> changedFrames;
    if (!structureDiffers) {
        for (int i = 0; i < frames.size(); ++i) {
            if (!sameSpec(frames.at(i), current.frames.at(i)))
                changedFrames.append(i);
        }
    }

    m_project.setPrompt(target.prompt);
    m_project.setModel(target.model);
    m_project.setSampler(target.sampler);
    m_project.setCrop(target.crop);
    m_project.setFrames(frames);
    m_uids = target.uids;

    if (promptDiffers)
        Q_EMIT promptChanged();
    if (modelDiffers)
        Q_EMIT modelChanged();
    if (samplerDiffers)
        Q_EMIT samplerChanged();
    if (cropDiffers)
        Q_EMIT cropChanged();
    if (structureDiffers)
        Q_EMIT framesChanged();
    for (int index : changedFrames)
        Q_EMIT frameChanged(index);
    Q_EMIT changed();
    emitModified();
}

// ---------------------------------------------------------------------------------------------------------
// Helpers.

void ProjectDocument::setPrompt(const QString& prompt) {
    edit(tr("Edit prompt"), MergeKey::Prompt, 0, [&](State& s) { s.prompt = prompt; });
}

void ProjectDocument::setSampler(const core::SamplerSettings& sampler, const QString& text, int field) {
    edit(text, MergeKey::Sampler, field, [&](State& s) { s.sampler = sampler; });
}

void ProjectDocument::setModel(const core::ModelChoice& model, const QRect& crop) {
    edit(tr("Change model"), MergeKey::Model, 0, [&](State& s) {
        s.model = model;
        s.crop = crop;
    });
}

void ProjectDocument::setCrop(const QRect& crop) {
    edit(tr("Move crop"), MergeKey::Crop, 0, [&](State& s) { s.crop = crop; });
}

void ProjectDocument::setFramePrompt(int index, const std::optional<QString>& prompt) {
    if (index < 0 || index >= frameCount())
        return;
    edit(tr("Edit prompt of frame %1").arg(index + 1), MergeKey::FramePrompt, int(frameUid(index)), [&](State& s) {
        if (prompt)
            s.frames[index].setPromptOverride(*prompt);
        else
            s.frames[index].clearPromptOverride();
    });
}

void ProjectDocument::setFrameMotion(int index, int motion) {
    if (index < 0 || index >= frameCount())
        return;
    edit(tr("Set motion of frame %1").arg(index + 1), MergeKey::FrameMotion, int(frameUid(index)),
         [&](State& s) { s.frames[index].setMotion(motion); });
}

void ProjectDocument::setFrameSeed(int index, quint64 seed) {
    if (index < 0 || index >= frameCount())
        return;
    edit(tr("Set seed of frame %1").arg(index + 1), MergeKey::FrameSeed, int(frameUid(index)),
         [&](State& s) { s.frames[index].setSeed(seed); });
}

void ProjectDocument::setMotions(const QVector<int>& motions) {
    edit(tr("Edit motion curve"), MergeKey::MotionCurve, 0, [&](State& s) {
        for (int i = 0; i < s.frames.size() && i < motions.size(); ++i)
            s.frames[i].setMotion(motions.at(i));
    });
}

void ProjectDocument::setAllMotions(int motion) {
    edit(tr("Set motion of all frames"), MergeKey::AllMotions, 0, [&](State& s) {
        for (core::FrameSpec& frame : s.frames)
            frame.setMotion(motion);
    });
}

void ProjectDocument::setProjectSeed(quint64 seed, const QString& text) {
    edit(text, MergeKey::None, 0, [&](State& s) {
        s.sampler.seed = seed;
        for (core::FrameSpec& frame : s.frames)
            frame.setSeed(seed);
    });
}

void ProjectDocument::setFrameSeeds(const QVector<int>& indexes, const QVector<quint64>& seeds, const QString& text) {
    edit(text, MergeKey::None, 0, [&](State& s) {
        for (int k = 0; k < indexes.size() && k < seeds.size(); ++k) {
            if (indexes.at(k) >= 0 && indexes.at(k) < s.frames.size())
                s.frames[indexes.at(k)].setSeed(seeds.at(k));
        }
    });
}

void ProjectDocument::insertFrames(int index, const QVector<core::FrameSpec>& frames) {
    if (frames.isEmpty())
        return;
    index = qBound(0, index, frameCount());
    edit(tr("Add %n frame(s)", nullptr, int(frames.size())), MergeKey::None, 0, [&](State& s) {
        for (int k = 0; k < frames.size(); ++k) {
            s.frames.insert(index + k, frames.at(k));
            s.uids.insert(index + k, nextUid());
        }
    });
}

void ProjectDocument::removeFrames(QVector<int> indexes) {
    std::sort(indexes.begin(), indexes.end());
    indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
    indexes.erase(std::remove_if(indexes.begin(), indexes.end(), [this](int i) { return i < 0 || i >= frameCount(); }),
                  indexes.end());
    if (indexes.isEmpty())
        return;
    edit(tr("Remove %n frame(s)", nullptr, int(indexes.size())), MergeKey::None, 0, [&](State& s) {
        for (auto it = indexes.crbegin(); it != indexes.crend(); ++it) {
            s.frames.removeAt(*it);
            s.uids.removeAt(*it);
        }
    });
}

// Indexes are sanitised here (sorted, unique, in range) so callers can pass a selection as it is.
QVector<int> ProjectDocument::moveFrames(QVector<int> indexes, int destination) {
    std::sort(indexes.begin(), indexes.end());
    indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
    indexes.erase(std::remove_if(indexes.begin(), indexes.end(), [this](int i) { return i < 0 || i >= frameCount(); }),
                  indexes.end());
    if (indexes.isEmpty())
        return indexes;
    destination = qBound(0, destination, frameCount() - int(indexes.size()));
    QVector<int> result;
    for (int k = 0; k < indexes.size(); ++k)
        result.append(destination + k);
    edit(tr("Reorder frames"), MergeKey::None, 0, [&](State& s) {
        QVector<core::FrameSpec> moving;
        QVector<quint64> movingUids;
        for (auto it = indexes.crbegin(); it != indexes.crend(); ++it) {
            moving.prepend(s.frames.takeAt(*it));
            movingUids.prepend(s.uids.takeAt(*it));
        }
        for (int k = 0; k < moving.size(); ++k) {
            s.frames.insert(destination + k, moving.at(k));
            s.uids.insert(destination + k, movingUids.at(k));
        }
    });
    return result;
}

// A new frame continues the curve linearly from its two predecessors (a ramp stays a ramp), clamped to the
// trained range, with the project seed.
core::FrameSpec ProjectDocument::makeFrame(int afterIndex) const {
    const int count = frameCount();
    if (afterIndex < 0 || afterIndex >= count)
        afterIndex = count - 1;
    int motion = 11;  // a middle value when there is nothing to continue
    if (afterIndex >= 1) {
        const int last = m_project.frame(afterIndex).motion();
        const int previous = m_project.frame(afterIndex - 1).motion();
        motion = last + (last - previous);
    } else if (afterIndex == 0) {
        motion = m_project.frame(0).motion();
    }
    return core::FrameSpec(qBound(kDefaultMinMotion, motion, kDefaultMaxMotion), m_project.sampler().seed);
}

void ProjectDocument::setFrameCount(int count) {
    count = std::max(0, count);
    const int current = frameCount();
    if (count == current)
        return;
    edit(tr("Set number of frames to %1").arg(count), MergeKey::None, 0, [&](State& s) {
        if (count < current) {
            s.frames.resize(count);
            s.uids.resize(count);
            return;
        }
        if (current == 0) {
            // A fresh sequence ramps over the trained range, like the authors' demo (2, 4, 6, ... 19).
            for (int i = 0; i < count; ++i) {
                const double t = count == 1 ? 0.5 : double(i) / (count - 1);
                const int motion = int(std::lround(kDefaultMinMotion + t * (kDefaultMaxMotion - kDefaultMinMotion)));
                s.frames.append(core::FrameSpec(motion, s.sampler.seed));
                s.uids.append(nextUid());
            }
            return;
        }
        for (int i = current; i < count; ++i) {
            const int n = s.frames.size();
            int motion = s.frames.at(n - 1).motion();
            if (n >= 2)
                motion += s.frames.at(n - 1).motion() - s.frames.at(n - 2).motion();
            s.frames.append(core::FrameSpec(qBound(kDefaultMinMotion, motion, kDefaultMaxMotion), s.sampler.seed));
            s.uids.append(nextUid());
        }
    });
}

// ---------------------------------------------------------------------------------------------------------
// Results.

// Results are addressed by uid, not index: the user may have reordered or removed frames since the job started.
bool ProjectDocument::setFrameImage(quint64 uid, const QImage& image) {
    const int index = indexOfUid(uid);
    if (index < 0)
        return false;
    m_project.frame(index).setImage(image);
    m_otherModified = true;
    Q_EMIT frameImageChanged(index);
    emitModified();
    return true;
}

void ProjectDocument::setDataset(const core::ProjectDataset& dataset) {
    if (dataset == m_project.dataset())
        return;
    m_project.setDataset(dataset);
    m_otherModified = true;
    emitModified();
}

void ProjectDocument::clearFrameImages(const QVector<int>& indexes) {
    for (int index : indexes) {
        if (index < 0 || index >= frameCount() || !m_project.frame(index).hasImage())
            continue;
        m_project.frame(index).clearImage();
        m_otherModified = true;
        Q_EMIT frameImageChanged(index);
    }
    emitModified();
}

bool ProjectDocument::isModified() const {
    return m_otherModified || !m_undo->isClean();
}

void ProjectDocument::markSaved() {
    m_otherModified = false;
    m_undo->setClean();
    emitModified();
}

void ProjectDocument::markModified() {
    m_otherModified = true;
    emitModified();
}

void ProjectDocument::emitModified() {
    const bool modified = isModified();
    if (modified == m_lastModified)
        return;
    m_lastModified = modified;
    Q_EMIT modifiedChanged(modified);
}

}  // namespace sm::ui
