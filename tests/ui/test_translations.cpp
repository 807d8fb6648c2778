// The German and Simplified Chinese translations are complete (no unfinished, vanished or empty entries, numerus
// forms for every plural, the same %-placeholders as the source, an accelerator wherever the source has one), and
// installing them really switches the studio's language.
#include <QtTest>

#include <QFile>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTranslator>
#include <QXmlStreamReader>

#include "generation_panel.h"
#include "main_window.h"
#include "studio_test_support.h"

namespace {

struct Message {
    QString context;
    QString source;
    QString type;              // translation type attribute ("unfinished", "vanished", ... or empty)
    QStringList translations;  // one, or the numerus forms
    bool numerus = false;
};

QList<Message> readTs(const QString& path, QString* language) {
    QList<Message> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const QStringView name = xml.name();
        if (name == QLatin1String("TS")) {
            *language = xml.attributes().value(QLatin1String("language")).toString();
        } else if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            current = Message();
            current.context = context;
            current.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (name == QLatin1String("source")) {
            current.source = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            current.type = xml.attributes().value(QLatin1String("type")).toString();
            if (current.numerus) {
                while (xml.readNextStartElement())
                    current.translations.append(xml.readElementText());
            } else {
                current.translations.append(xml.readElementText());
            }
            messages.append(current);
        }
    }
    return messages;
}

QStringList placeholders(const QString& text) {
    static const QRegularExpression pattern(QStringLiteral("%(\\d|n)"));
    QStringList found;
    auto it = pattern.globalMatch(text);
    while (it.hasNext())
        found.append(it.next().captured(0));
    found.sort();
    found.removeDuplicates();
    return found;
}

bool hasAccelerator(const QString& text) {
    static const QRegularExpression pattern(QStringLiteral("&[^&\\s]"));
    return pattern.match(text).hasMatch();
}

}  // namespace

class TestTranslations : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        studio::isolate(m_dir, QStringLiteral("test_translations"));
    }

    void complete_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("language");
        QTest::addColumn<int>("pluralForms");
        QTest::newRow("de") << QStringLiteral(STILLMOTION_TS_DIR "/stillmotion_de.ts") << QStringLiteral("de") << 2;
        QTest::newRow("zh_CN") << QStringLiteral(STILLMOTION_TS_DIR "/stillmotion_zh_CN.ts") << QStringLiteral("zh_CN")
                               << 1;
    }

    void complete() {
        QFETCH(QString, file);
        QFETCH(QString, language);
        QFETCH(int, pluralForms);
        QString declared;
        const QList<Message> messages = readTs(file, &declared);
        QCOMPARE(declared, language);
        QVERIFY2(messages.size() > 400, qPrintable(QString::number(messages.size())));
        QStringList problems;
        for (const Message& m : messages) {
            const QString where = m.context + QStringLiteral(": ") + m.source.left(60);
            if (!m.type.isEmpty())
                problems.append(QStringLiteral("%1 [%2]").arg(where, m.type));
            if (m.numerus && m.translations.size() != pluralForms)
                problems.append(QStringLiteral("%1 [%2 plural forms]").arg(where).arg(m.translations.size()));
            for (const QString& t : m.translations) {
                if (t.trimmed().isEmpty() && !m.source.trimmed().isEmpty())
                    problems.append(where + QStringLiteral(" [empty]"));
                if (placeholders(t) != placeholders(m.source))
                    problems.append(QStringLiteral("%1 [placeholders %2]").arg(where, t));
                if (hasAccelerator(m.source) && !hasAccelerator(t))
                    problems.append(QStringLiteral("%1 [no accelerator: %2]").arg(where, t));
                if (m.source.count(QLatin1Char('\n')) != t.count(QLatin1Char('\n')))
                    problems.append(QStringLiteral("%1 [line breaks]").arg(where));
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void studioSpeaksTheLanguage_data() {
        QTest::addColumn<QString>("qm");
        QTest::addColumn<QString>("fileMenu");
        QTest::addColumn<QString>("generate");
        QTest::newRow("de") << QStringLiteral(":/i18n/stillmotion_de.qm") << QStringLiteral("&Datei")
                            << QStringLiteral("Erzeugen");
        QTest::newRow("zh_CN") << QStringLiteral(":/i18n/stillmotion_zh_CN.qm") << QStringLiteral("文件(&F)")
                               << QStringLiteral("生成");
    }

    void studioSpeaksTheLanguage() {
        QFETCH(QString, qm);
        QFETCH(QString, fileMenu);
        QFETCH(QString, generate);
        QTranslator translator;
        QVERIFY2(translator.load(qm), qPrintable(qm));
        QVERIFY(QCoreApplication::installTranslator(&translator));
        {
            sm::ui::MainWindow window(nullptr, fake::factory(std::make_shared<fake::Control>()));
            const QList<QAction*> menus = window.menuBar()->actions();
            QVERIFY(!menus.isEmpty());
            QCOMPARE(menus.first()->text(), fileMenu);
            QCOMPARE(window.generationPanel()->generateButton()->text(), generate);
            // Tooltips too, and they differ from the English ones.
            const QString tooltip = window.generationPanel()->stepsBox()->toolTip();
            QVERIFY(!tooltip.isEmpty());
            QVERIFY(!tooltip.startsWith(QStringLiteral("Denoising steps")));
        }
        QCoreApplication::removeTranslator(&translator);
        sm::ui::MainWindow english(nullptr, fake::factory(std::make_shared<fake::Control>()));
        QCOMPARE(english.menuBar()->actions().first()->text(), QStringLiteral("&File"));
    }
};

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
