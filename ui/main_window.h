#pragma once
// The studio's main window. Owns the canvas; later issues add the timeline, worker and panels.
#include <QMainWindow>

namespace sm::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace sm::ui
