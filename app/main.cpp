// The studio's entry point: application metadata, translations, and the main window.
#include <QApplication>

#include "main_window.h"

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Stillmotion"));
    QApplication::setOrganizationName(QStringLiteral("Stillmotion"));
    QApplication::setApplicationVersion(QStringLiteral(STILLMOTION_VERSION_STRING));
    sm::ui::MainWindow window;
    window.show();
    return app.exec();
}
