// DDIM (diffusers v0.24 DDIMScheduler as Cinemo configures it) and Cinemo's DDIM inversion against the
// `ddim_linear_50` golden case; eta > 0, other spacings and prediction types against their definitions.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "golden.h"
#include "runtime/error.h"
#include "sampling/ddim.h"
#include "sampling/noise.h"

using namespace sm::sampling;
using nlohmann::json;

namespace {

const QString kCaseName = QStringLiteral("ddim_linear_50");

QString checkElementwise(const std::string& label, const torch::Tensor& reference, const torch::Tensor& port,
                         double rel) {
    if (reference.sizes() != port.sizes()) {
        return QString::fromStdString(label + ": shape mismatch");
    }
    const torch::Tensor r = reference.to(torch::kFloat64);
    const torch::Tensor d = (r - port.to(torch::kFloat64)).abs();
    qInfo("%s: max elementwise rel %.3g (allowed %.3g)", label.c_str(),
          (d / r.abs().clamp_min(1e-30)).masked_fill(d == 0, 0).max().item<double>(), rel);
    const torch::Tensor bad = d > r.abs() * rel;
    if (!bad.any().item<bool>()) {
        return {};
    }
    return QStringLiteral("%1: %2 elements beyond relative %3")
        .arg(QString::fromStdString(label))
        .arg(bad.sum().item<int64_t>())
        .arg(rel, 0, 'g', 3);
}

// checkClose that also logs the measured values (the golden report quotes them).
QString checkCloseLogged(const std::string& label, const torch::Tensor& reference, const torch::Tensor& port,
                         double maxAbs, double relL2) {
    if (reference.sizes() == port.sizes()) {
        const sm::test::Diff d = sm::test::compare(reference, port);
        qInfo("%s: max_abs %.3g (allowed %.3g), rel_l2 %.3g (allowed %.3g)", label.c_str(), d.maxAbs, maxAbs, d.relL2,
              relL2);
    }
    return sm::test::checkClose(label, reference, port, maxAbs, relL2);
}

TimestepSpacing parseSpacing(const std::string& name) {
    if (name == "leading") {
        return TimestepSpacing::Leading;
    }
    if (name == "trailing") {
        return TimestepSpacing::Trailing;
    }
    if (name == "linspace") {
        return TimestepSpacing::Linspace;
    }
    throw sm::ArgumentError("unknown timestep_spacing " + name);
}

PredictionType parsePrediction(const std::string& name) {
    if (name == "epsilon") {
        return PredictionType::Epsilon;
    }
    if (name == "sample") {
        return PredictionType::Sample;
    }
    if (name == "v_prediction") {
        return PredictionType::VPrediction;
    }
    throw sm::ArgumentError("unknown prediction_type " + name);
}

// DdimConfig from a diffusers scheduler config JSON (the case's effective_config).
DdimConfig configFromJson(const json& j) {
    DdimConfig c;
    c.numTrainTimesteps = j.at("num_train_timesteps").get<int64_t>();
    c.betaStart = j.at("beta_start").get<double>();
    c.betaEnd = j.at("beta_end").get<double>();
    c.betaSchedule = parseDiffusersBetaSchedule(j.at("beta_schedule").get<std::string>());
    c.clipSample = j.at("clip_sample").get<bool>();
    c.clipSampleRange = j.at("clip_sample_range").get<double>();
    c.setAlphaToOne = j.at("set_alpha_to_one").get<bool>();
    c.stepsOffset = j.at("steps_offset").get<int64_t>();
    c.predictionType = parsePrediction(j.at("prediction_type").get<std::string>());
    c.timestepSpacing = parseSpacing(j.at("timestep_spacing").get<std::string>());
    return c;
}

}  // namespace

class TestDdim : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<sm::test::GoldenCase> m_case;
    std::unique_ptr<DdimScheduler> m_scheduler;

    const json& tol(const std::string& key) const { return m_case->json().at("tolerance").at(key).at("fp32_cpu"); }

    QString checkTensor(const std::string& key, const torch::Tensor& port) const {
        const json& t = tol(key);
        return checkCloseLogged(key, m_case->io(key), port, t.at("max_abs").get<double>(),
                                t.at("rel_l2").get<double>());
    }

    torch::Tensor tensorAt(const std::string& key) const { return m_case->io(key); }
    int64_t scalarAt(const std::string& key) const { return m_case->io(key).reshape({-1})[0].item<int64_t>(); }

private Q_SLOTS:
    void initTestCase() {
        if (sm::test::GoldenCase::exists(kCaseName)) {
            m_case = std::make_unique<sm::test::GoldenCase>(kCaseName);
            m_scheduler = std::make_unique<DdimScheduler>(configFromJson(m_case->json().at("effective_config")),
                                                          m_case->json().at("num_inference_steps").get<int64_t>());
        }
    }

    void cinemoConfigIsTheEffectiveConfig() {
        if (!m_case) {
            QSKIP("golden case ddim_linear_50 not found; set STILLMOTION_GOLDEN_DIR");
        }
        const DdimConfig golden = configFromJson(m_case->json().at("effective_config"));
        const DdimConfig ours = cinemoDdimConfig();
        QCOMPARE(ours.numTrainTimesteps, golden.numTrainTimesteps);
        QCOMPARE(ours.betaStart, golden.betaStart);
        QCOMPARE(ours.betaEnd, golden.betaEnd);
        QCOMPARE(ours.betaSchedule, golden.betaSchedule);
        QCOMPARE(ours.clipSample, golden.clipSample);
        QCOMPARE(ours.setAlphaToOne, golden.setAlphaToOne);
        QCOMPARE(ours.stepsOffset, golden.stepsOffset);
        QCOMPARE(ours.predictionType, golden.predictionType);
        QCOMPARE(ours.timestepSpacing, golden.timestepSpacing);
    }

    void timestepsAndTablesMatch() {
        if (!m_case) {
            QSKIP("golden case ddim_linear_50 not found; set STILLMOTION_GOLDEN_DIR");
        }
        const DdimScheduler& s = *m_scheduler;
        SM_VERIFY_OK(sm::test::checkEqual("timesteps", m_case->io("timesteps"), s.timestepsTensor()));
        QCOMPARE(s.timesteps(), m_case->json().at("values").at("timesteps").get<std::vector<int64_t>>());
        std::vector<int64_t> prev;
        std::vector<torch::Tensor> atT, atPrev;
        for (int64_t t : s.timesteps()) {
            prev.push_back(s.previousTimestep(t));
            atT.push_back(s.alphaCumprodAt(t));
            atPrev.push_back(s.alphaCumprodAt(s.previousTimestep(t)));
        }
        SM_VERIFY_OK(sm::test::checkEqual("prev_timesteps", m_case->io("prev_timesteps"), torch::tensor(prev)));

        const json& t = m_case->json()
                            .at("tolerance")
                            .at("betas / alphas_cumprod / final_alpha_cumprod / alphas_cumprod_*")
                            .at("fp32_cpu");
        const double maxAbs = t.at("max_abs").get<double>();
        const double rel = t.at("max_rel_elementwise").get<double>();
        const std::vector<std::pair<std::string, torch::Tensor>> tables = {
            {"betas", s.betas()},
            {"alphas_cumprod", s.alphasCumprod()},
            {"final_alpha_cumprod", s.finalAlphaCumprod().reshape({1})},
            {"alphas_cumprod_at_timesteps", torch::stack(atT)},
            {"alphas_cumprod_prev_at_timesteps", torch::stack(atPrev)},
        };
        for (const auto& [name, tensor] : tables) {
            SM_VERIFY_OK(checkCloseLogged(name, m_case->io(name), tensor, maxAbs, 1.0));
            SM_VERIFY_OK(checkElementwise(name, m_case->io(name), tensor, rel));
        }
        // set_alpha_to_one false: the final ᾱ is ᾱ[0].
        QCOMPARE(s.finalAlphaCumprod().item<float>(), s.alphasCumprod()[0].item<float>());
    }

    void consecutiveStepsMatch() {
        if (!m_case) {
            QSKIP("golden case ddim_linear_50 not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        const DdimScheduler& s = *m_scheduler;
        const auto indices = m_case->json().at("step_indices").get<std::vector<int64_t>>();
        torch::Tensor x = tensorAt("step.x_in");
        for (size_t j = 0; j < indices.size(); ++j) {
            const std::string p = "step" + std::to_string(j);
            const int64_t t = s.timesteps()[static_cast<size_t>(indices[j])];
            QCOMPARE(t, scalarAt(p + ".t"));
            const DdimStepOutput out = s.step(tensorAt(p + ".eps"), t, x, 0.0);
            SM_VERIFY_OK(checkTensor(p + ".prev_sample", out.prevSample));
            SM_VERIFY_OK(checkTensor(p + ".pred_original_sample", out.predOriginalSample));
            x = out.prevSample;
        }
    }

    void sampleLoopMatchesSteps() {
        if (!m_case) {
            QSKIP("golden case ddim_linear_50 not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        const DdimScheduler& s = *m_scheduler;
        const auto indices = m_case->json().at("step_indices").get<std::vector<int64_t>>();
        for (size_t j = 0; j < indices.size(); ++j) {
            QCOMPARE(indices[j], static_cast<int64_t>(j));  // the loop starts at timesteps[0]
        }
        size_t call = 0;
        bool timestepsOk = true;
        const EpsPredictor model = [&](const torch::Tensor&, int64_t t) {
            const std::string p = "step" + std::to_string(call++);
            timestepsOk = timestepsOk && t == scalarAt(p + ".t");
            return tensorAt(p + ".eps");
        };
        std::vector<torch::Tensor> xs, x0s;
        SamplerHooks hooks;
        hooks.onStep = [&](const StepInfo& info) {
            xs.push_back(info.x);
            x0s.push_back(info.denoised);
            const bool sigmaOk = std::abs(info.sigma - s.sigmaAt(info.timestep)) < 1e-9 && info.total == 50;
            if (!sigmaOk) {
                return StepAction::Cancel;
            }
            return xs.size() == indices.size() ? StepAction::Stop : StepAction::Continue;
        };
        at::Generator unused = makeCpuGenerator(0);
        const torch::Tensor out = ddimSample(s, model, tensorAt("step.x_in"), 0.0, unused, hooks);
        QVERIFY(timestepsOk);
        QCOMPARE(xs.size(), indices.size());
        for (size_t j = 0; j < indices.size(); ++j) {
            const std::string p = "step" + std::to_string(j);
            SM_VERIFY_OK(checkTensor(p + ".prev_sample", xs[j]));
            SM_VERIFY_OK(checkTensor(p + ".pred_original_sample", x0s[j]));
        }
        QVERIFY(torch::equal(out, xs.back()));
    }

    void lastStepUsesFinalAlpha() {
        if (!m_case) {
            QSKIP("golden case ddim_linear_50 not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        const DdimScheduler& s = *m_scheduler;
        const int64_t t = scalarAt("last.t");
        QCOMPARE(t, s.timesteps().back());
        QVERIFY(s.previousTimestep(t) < 0);
        const DdimStepOutput out = s.step(tensorAt("last.eps"), t, tensorAt("last.x_in"), 0.0);
        SM_VERIFY_OK(checkTensor("last.prev_sample", out.prevSample));
        SM_VERIFY_OK(checkTensor("last.pred_original_sample", out.predOriginalSample));
    }

    void addNoiseMatches() {
        if (!m_case) {
            QSKIP("golden case ddim_linear_50 not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        const torch::Tensor out =
            m_scheduler->addNoise(tensorAt("add_noise.original"), tensorAt("add_noise.noise"), tensorAt("add_noise.t"));
        SM_VERIFY_OK(checkTensor("add_noise.out", out));
        // Float64 samples (Cinemo's DCTInit) get ᾱ cast to float64 and a float64 result.
        const torch::Tensor out64 =
            m_scheduler->addNoise(tensorAt("add_noise.original").to(torch::kFloat64),
                                  tensorAt("add_noise.noise").to(torch::kFloat64), tensorAt("add_noise.t"));
        QCOMPARE(out64.scalar_type(), torch::kFloat64);
        SM_VERIFY_OK(checkTensor("add_noise.out", out64));
    }

    void inversionMatchesPipeline() {
        if (!m_case) {
            QSKIP("golden case ddim_linear_50 not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        const DdimScheduler& s = *m_scheduler;
        const auto steps = m_case->json().at("inversion_steps").get<size_t>();
        const auto expectedT = m_case->json().at("values").at("inversion_timesteps_run").get<std::vector<int64_t>>();
        QCOMPARE(expectedT.size(), steps);

        size_t call = 0;
        bool inputsOk = true;
        torch::Tensor previous = tensorAt("inv.x_in");
        const EpsPredictor model = [&](const torch::Tensor& x, int64_t t) {
            const std::string p = "inv.step" + std::to_string(call);
            // Each call sees the previous step's output at the next ascending timestep.
            inputsOk = inputsOk && t == expectedT[call] && t == scalarAt(p + ".t") &&
                       sm::test::compare(previous, x).maxAbs == 0.0;
            ++call;
            return tensorAt(p + ".eps");
        };
        std::vector<torch::Tensor> xs, x0s;
        SamplerHooks hooks;
        hooks.onStep = [&](const StepInfo& info) {
            xs.push_back(info.x);
            x0s.push_back(info.denoised);
            previous = info.x;
            return xs.size() == steps ? StepAction::Stop : StepAction::Continue;
        };
        const torch::Tensor out = ddimInvert(s, model, tensorAt("inv.x_in"), hooks);
        QVERIFY(inputsOk);
        QCOMPARE(xs.size(), steps);
        for (size_t k = 0; k < steps; ++k) {
            const std::string p = "inv.step" + std::to_string(k);
            SM_VERIFY_OK(checkTensor(p + ".x_out", xs[k]));
            SM_VERIFY_OK(checkTensor(p + ".pred_x0", x0s[k]));
        }
        QVERIFY(torch::equal(out, xs.back()));
        // The first inversion step (t = 1) uses ᾱ_cur = final ᾱ = ᾱ[0] since t − 20 < 0.
        const DdimStepOutput direct = s.inversionStep(tensorAt("inv.step0.eps"), expectedT[0], tensorAt("inv.x_in"));
        SM_VERIFY_OK(checkTensor("inv.step0.x_out", direct.prevSample));
    }

    // ---- definitions ------------------------------------------------------------------------------------------
    void etaAddsScaledNoise() {
        torch::InferenceMode guard;
        const DdimScheduler s(cinemoDdimConfig(), 50);
        const torch::Tensor x = torch::randn({1, 4, 3, 4, 4});
        const torch::Tensor eps = torch::randn({1, 4, 3, 4, 4});
        const int64_t t = s.timesteps()[10];
        const double eta = 0.7;
        const torch::Tensor noise = torch::randn({1, 4, 3, 4, 4});
        const DdimStepOutput out = s.step(eps, t, x, eta, nullptr, noise);

        // Formula (12)/(16) of the DDIM paper in float64.
        const double a = s.alphaCumprodAt(t).item<double>();
        const double ap = s.alphaCumprodAt(s.previousTimestep(t)).item<double>();
        const double sigma = eta * std::sqrt((1 - ap) / (1 - a) * (1 - a / ap));
        const torch::Tensor x64 = x.to(torch::kFloat64), e64 = eps.to(torch::kFloat64);
        const torch::Tensor x0 = (x64 - std::sqrt(1 - a) * e64) / std::sqrt(a);
        const torch::Tensor expected =
            std::sqrt(ap) * x0 + std::sqrt(1 - ap - sigma * sigma) * e64 + sigma * noise.to(torch::kFloat64);
        SM_VERIFY_OK(checkCloseLogged("eta step", expected, out.prevSample, 1e-4, 1e-6));

        // With a generator the noise is randn(shape) from it.
        at::Generator g1 = makeCpuGenerator(99);
        at::Generator g2 = makeCpuGenerator(99);
        const DdimStepOutput viaGenerator = s.step(eps, t, x, eta, &g1);
        const DdimStepOutput viaNoise = s.step(eps, t, x, eta, nullptr, randn(eps.sizes(), g2));
        QVERIFY(torch::equal(viaGenerator.prevSample, viaNoise.prevSample));
        QVERIFY_EXCEPTION_THROWN(s.step(eps, t, x, eta), sm::ArgumentError);

        // eta 0 never touches the generator.
        at::Generator g3 = makeCpuGenerator(5);
        at::Generator g4 = makeCpuGenerator(5);
        ddimSample(
            s, [&](const torch::Tensor&, int64_t) { return eps; }, x, 0.0, g3);
        QVERIFY(torch::equal(randn({4}, g3), randn({4}, g4)));
    }

    void spacingsAndPredictionTypes() {
        torch::InferenceMode guard;
        DdimConfig c = cinemoDdimConfig();
        c.timestepSpacing = TimestepSpacing::Trailing;
        const DdimScheduler trailing(c, 50);
        QCOMPARE(trailing.timesteps().front(), int64_t(999));
        QCOMPARE(trailing.timesteps().back(), int64_t(19));
        QCOMPARE(trailing.timesteps().size(), size_t(50));
        c.timestepSpacing = TimestepSpacing::Linspace;
        const DdimScheduler linspace(c, 10);
        QCOMPARE(linspace.timesteps(), (std::vector<int64_t>{999, 888, 777, 666, 555, 444, 333, 222, 111, 0}));
        c.timestepSpacing = TimestepSpacing::Leading;
        c.stepsOffset = 0;
        const DdimScheduler leading(c, 4);
        QCOMPARE(leading.timesteps(), (std::vector<int64_t>{750, 500, 250, 0}));

        // A "sample" model that outputs the epsilon step's x̂0 gives the same update; likewise v = √ᾱ·ε − √(1−ᾱ)·x̂0.
        const DdimScheduler epsilon(cinemoDdimConfig(), 50);
        const torch::Tensor x = torch::randn({2, 4, 5});
        const torch::Tensor eps = torch::randn({2, 4, 5});
        const int64_t t = epsilon.timesteps()[25];
        const DdimStepOutput ref = epsilon.step(eps, t, x);
        c = cinemoDdimConfig();
        c.predictionType = PredictionType::Sample;
        const DdimStepOutput viaSample = DdimScheduler(c, 50).step(ref.predOriginalSample, t, x);
        SM_VERIFY_OK(checkCloseLogged("sample prediction", ref.prevSample, viaSample.prevSample, 1e-4, 1e-6));
        c.predictionType = PredictionType::VPrediction;
        const double a = epsilon.alphaCumprodAt(t).item<double>();
        const torch::Tensor v = std::sqrt(a) * eps - std::sqrt(1 - a) * ref.predOriginalSample;
        const DdimStepOutput viaV = DdimScheduler(c, 50).step(v, t, x);
        SM_VERIFY_OK(checkCloseLogged("v prediction", ref.prevSample, viaV.prevSample, 1e-4, 1e-6));

        // clip_sample clamps x̂0.
        c = cinemoDdimConfig();
        c.clipSample = true;
        const DdimStepOutput clipped = DdimScheduler(c, 50).step(eps, epsilon.timesteps()[0], x);
        QVERIFY(clipped.predOriginalSample.abs().max().item<float>() <= 1.0f);
    }

    void rejectsBadArguments() {
        QVERIFY_EXCEPTION_THROWN(DdimScheduler(cinemoDdimConfig(), 0), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(DdimScheduler(cinemoDdimConfig(), 1001), sm::ArgumentError);
        DdimConfig c = cinemoDdimConfig();
        c.stepsOffset = 5;  // 1000 steps + offset 5 walks past t = 999
        QVERIFY_EXCEPTION_THROWN(DdimScheduler(c, 1000), sm::ArgumentError);
        const DdimScheduler s(cinemoDdimConfig(), 50);
        QVERIFY_EXCEPTION_THROWN(s.step(torch::zeros({2, 3}), 981, torch::zeros({3, 2})), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(s.alphaCumprodAt(1000), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(s.addNoise(torch::zeros({2}), torch::zeros({2}), torch::tensor({1.5})),
                                 sm::ArgumentError);
        std::atomic<bool> cancel{true};
        SamplerHooks hooks;
        hooks.cancel = &cancel;
        int calls = 0;
        QVERIFY_EXCEPTION_THROWN(ddimInvert(
                                     s,
                                     [&](const torch::Tensor& x, int64_t) {
                                         ++calls;
                                         return x;
                                     },
                                     torch::zeros({1, 2}), hooks),
                                 sm::CancelledError);
        QCOMPARE(calls, 0);
    }
};

QTEST_GUILESS_MAIN(TestDdim)
#include "test_ddim.moc"
