#include "main_window.h"

namespace sm::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("Stillmotion"));
    resize(1280, 800);
}

}  // namespace sm::ui
