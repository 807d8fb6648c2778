#pragma once
// The Model Manager: the weights the studio knows (bundled demo models first), what was detected in each
// (architecture, resolution, parameters, precision), adding a weights file or folder, removing an entry and
// choosing the default per model family. Missing or broken weights show the problem and what to do about it.
//
// GUI thread only.
#include <QDialog>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace sm::ui {

class ModelCatalog;

class ModelManagerDialog : public QDialog {
    Q_OBJECT
public:
    explicit ModelManagerDialog(ModelCatalog* catalog, QWidget* parent = nullptr);

    QTreeWidget* list() const { return m_list; }
    QLabel* details() const { return m_details; }
    // Adds without a file dialog (the Add buttons call this after asking).
    bool addPath(const QString& path);
    void selectPath(const QString& path);
    QString selectedPath() const;

private:
    void rebuild();
    void updateItem(int index);
    void updateDetails();
    void fillItem(QTreeWidgetItem* item, int index);

    ModelCatalog* m_catalog;
    QTreeWidget* m_list = nullptr;
    QLabel* m_details = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_default = nullptr;
    QPushButton* m_inspect = nullptr;
};

}  // namespace sm::ui
