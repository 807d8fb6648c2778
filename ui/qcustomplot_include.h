#pragma once
// QCustomPlot's header uses the `signals` and `foreach` keywords, which QT_NO_KEYWORDS removes. Include it through
// this file: the keywords are defined as Q_SIGNALS / Q_FOREACH for the header only.
#include <QtGlobal>

#ifndef signals
#define signals Q_SIGNALS
#define STILLMOTION_UNDEF_SIGNALS
#endif
#ifndef foreach
#define foreach Q_FOREACH
#define STILLMOTION_UNDEF_FOREACH
#endif
#include <qcustomplot.h>
#ifdef STILLMOTION_UNDEF_SIGNALS
#undef signals
#undef STILLMOTION_UNDEF_SIGNALS
#endif
#ifdef STILLMOTION_UNDEF_FOREACH
#undef foreach
#undef STILLMOTION_UNDEF_FOREACH
#endif
