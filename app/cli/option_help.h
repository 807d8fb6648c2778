#pragma once
// --help for the commands that read their options with QCommandLineParser (train, train-vae, eval,
// create-model): QCommandLineParser::parse() rejects "--help" unless the parser owns it, and process() would exit
// the process, so the commands ask first.
#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

namespace sm::cli {

/// When `args` (after the command word) hold --help or -h, writes "usage: stillmotion-cli COMMAND [options]", the
/// parser's description and its option list to `out` and returns true.
inline bool showHelpIfAsked(const QCommandLineParser& parser, const char* command, const QStringList& args,
                            QTextStream& out) {
    if (!args.contains(QStringLiteral("--help")) && !args.contains(QStringLiteral("-h")))
        return false;
    const QString text = parser.helpText();
    const qsizetype options = text.indexOf(QStringLiteral("Options:"));
    out << "usage: stillmotion-cli " << command << " [options]\n";
    if (!parser.applicationDescription().isEmpty())
        out << parser.applicationDescription() << "\n";
    out << "\n" << (options >= 0 ? text.mid(options) : text);
    out.flush();
    return true;
}

}  // namespace sm::cli
