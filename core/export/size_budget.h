#pragma once
// "Fit under N bytes": a search over quality, palette size, scale and frame rate for encoders that can re-encode
// their buffered frames in memory (GIF, animated WebP).
//
// Order of the search, from least to most visible loss:
//   1. quality and colours at full size (q-15; q-30 with half the colours; q-45 with a quarter),
//   2. scale at q-30 / half the colours: bytes ~ scale^k, k re-estimated after each trial (a secant in log-log
//      space between the largest scale that fitted and the smallest that did not), until within 10 % of the budget,
//   3. frame rate (keep every k-th frame: 2, 3, 4, 8, ...) at the smallest scale (short side 16 px).
// Every candidate is measured by a real trial encode, so the chosen result always fits.
// Thread-safety: reentrant; the trial callback runs on the calling thread.
#include <QByteArray>
#include <QSize>
#include <QString>

#include <functional>

namespace sm::core {

struct BudgetTrial {
    int quality = 80;    // 1..100
    int colors = 256;    // GIF palette entries (ignored by formats without palettes)
    double scale = 1.0;  // applied to both dimensions
    int frameStep = 1;   // keep every frameStep-th frame
};

// Encodes with the given parameters into *bytes; returns false with *error on failure or cancellation.
using BudgetTrialFn = std::function<bool(const BudgetTrial& trial, QByteArray* bytes, QString* error)>;

struct BudgetOutcome {
    BudgetTrial trial;  // the parameters of the encoding that was kept
    QByteArray bytes;   // its output, bytes.size() <= maxBytes
    int attempts = 0;   // trial encodes made
};

// Smallest scale the search goes down to: the short side stays >= 16 px (or the original size if smaller).
double minimumBudgetScale(QSize frameSize);

// Returns false with *error when even the smallest candidate exceeds maxBytes, or when a trial failed.
bool fitSizeBudget(qint64 maxBytes, const BudgetTrial& start, QSize frameSize, int frameCount,
                   const BudgetTrialFn& trialFn, BudgetOutcome* outcome, QString* error);

}  // namespace sm::core
