#pragma once
// The "Frame" dock: the settings of the current frame of the timeline, each overriding the project's: its own
// prompt (or the project prompt), its motion value and its seed. Edits are undoable (ProjectDocument).
//
// GUI thread only.
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QToolButton;

namespace sm::ui {

class ProjectDocument;

class FrameInspector : public QWidget {
    Q_OBJECT
public:
    explicit FrameInspector(ProjectDocument* document, QWidget* parent = nullptr);

    void setFrame(int index);
    int frame() const { return m_index; }
    void setMotionRange(int minimum, int maximum);

    QCheckBox* ownPromptBox() const { return m_ownPrompt; }
    QPlainTextEdit* promptEdit() const { return m_prompt; }
    QSpinBox* motionBox() const { return m_motion; }
    QLineEdit* seedEdit() const { return m_seed; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void sync();
    void commitSeed();

    ProjectDocument* m_document;
    int m_index = -1;
    bool m_syncing = false;
    QLabel* m_title = nullptr;
    QLabel* m_preview = nullptr;
    QCheckBox* m_ownPrompt = nullptr;
    QPlainTextEdit* m_prompt = nullptr;
    QSpinBox* m_motion = nullptr;
    QLineEdit* m_seed = nullptr;
    QToolButton* m_projectSeed = nullptr;
    QWidget* m_fields = nullptr;
};

}  // namespace sm::ui
