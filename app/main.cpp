// The studio's entry point: application metadata, translations, command line, crash recovery and the main window.
#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>

#include "app_settings.h"
#include "bridge/pix2gif_training_backend.h"
#include "main_window.h"

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Stillmotion"));
    QApplication::setOrganizationName(QStringLiteral("Stillmotion"));
    QApplication::setApplicationVersion(QStringLiteral(STILLMOTION_VERSION_STRING));

    // The language chosen in Settings (empty = the system's); English is built in, so "en" loads nothing.
    const QString language = sm::ui::stringSetting(sm::ui::Setting::Language);
    const QLocale locale = language.isEmpty() ? QLocale() : QLocale(language);
    if (!language.isEmpty())
        QLocale::setDefault(locale);
    // Qt's own strings (dialog buttons) and ours; both are optional.
    QTranslator qtTranslator;
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator appTranslator;
    if (appTranslator.load(locale, QStringLiteral("stillmotion"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&appTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Still image to animation studio"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QApplication::translate("main", "An image, video or .smproj project to open."),
                                 QStringLiteral("[file]"));
    parser.process(app);

    // The Project panel's trainer: registered before the window asks for one.
    sm::core::registerPix2GifTrainingBackend();
    sm::ui::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    // After the event loop starts, so that dialogs (recovery, errors) have a visible parent.
    QTimer::singleShot(0, &window, [&window, files] {
        if (!files.isEmpty())
            window.openPath(files.first());
        else
            window.offerRecovery();
    });
    return app.exec();
}
