#pragma once
// Dataset curation for the studio's Project panel. The implementation lives in core/dataset/ (clip import,
// captions, Pix2Gif pair measurement, the pair-file layout, Cinemo SSIM levels); this header keeps the include
// path the UI and the training backend use.
#include "dataset/cinemo_curation.h"
#include "dataset/clip_captions.h"
#include "dataset/clip_curation.h"
