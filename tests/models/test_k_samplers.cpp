// k-diffusion port: the CompVis σ table, get_sigmas, σ<->t, the denoiser wrapper, Pix2Gif's dual CFG, the
// Euler-ancestral step and loop and the CPU generator against the `euler_ancestral` golden case; Euler, DPM++ 2M,
// Karras σ and the sampler hooks against analytic results.
#include <torch/cuda.h>
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <atomic>
#include <cmath>
#include <memory>
#include <vector>

#include "golden.h"
#include "runtime/error.h"
#include "sampling/cfg.h"
#include "sampling/k_diffusion.h"
#include "sampling/noise.h"
#include "sampling/schedules.h"

using namespace sm::sampling;
using nlohmann::json;

namespace {

const QString kCaseName = QStringLiteral("euler_ancestral");

// Elementwise |ref − port| <= rel·|ref| (so exact zeros must stay exact), as the case's "rel" / "max_abs_rel".
QString checkRelative(const std::string& label, const torch::Tensor& reference, const torch::Tensor& port, double rel) {
    if (reference.sizes() != port.sizes()) {
        return QString::fromStdString(label + ": shape mismatch");
    }
    const torch::Tensor r = reference.to(torch::kFloat64);
    const torch::Tensor p = port.detach().to(torch::kCPU, torch::kFloat64);
    const torch::Tensor d = (r - p).abs();
    qInfo("%s: max elementwise rel %.3g (allowed %.3g)", label.c_str(),
          (d / r.abs().clamp_min(1e-30)).masked_fill(d == 0, 0).max().item<double>(), rel);
    const torch::Tensor bad = d > r.abs() * rel;
    if (!bad.any().item<bool>()) {
        return {};
    }
    const double worst = (d / r.abs().clamp_min(1e-30)).max().item<double>();
    return QStringLiteral("%1: %2 elements beyond rel %3 (worst %4)")
        .arg(QString::fromStdString(label))
        .arg(bad.sum().item<int64_t>())
        .arg(rel, 0, 'g', 3)
        .arg(worst, 0, 'g', 4);
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

struct AbsRel {
    double maxAbs;
    double relL2;
};

AbsRel absRel(const json& tolerance) {
    return {tolerance.at("max_abs").get<double>(), tolerance.at("rel_l2").get<double>()};
}

// Gaussian data N(0, s²) has the exact denoiser D(x, σ) = x·s²/(s² + σ²), and the probability-flow ODE
// dx/dσ = (x − D)/σ has the solution x(σ) = x_T·sqrt((s² + σ²)/(s² + σ_T²)).
constexpr double kDataStd = 0.5;

Denoiser gaussianDenoiser(int* calls = nullptr) {
    return [calls](const torch::Tensor& x, const torch::Tensor& sigma) {
        if (calls) {
            ++*calls;
        }
        const torch::Tensor s2 = torch::full_like(sigma, kDataStd * kDataStd);
        return x * appendDims(s2 / (s2 + sigma * sigma), x.dim());
    };
}

// The exact ODE solution down to σ_min followed by the samplers' final step to σ = 0, which is x = D(x, σ_min)
// for Euler and DPM++ 2M alike; so the difference measures the discretisation error only.
torch::Tensor exactOdeEnd(const torch::Tensor& xT, double sigmaMax, double sigmaMin) {
    const double s2 = kDataStd * kDataStd;
    return xT * (std::sqrt((s2 + sigmaMin * sigmaMin) / (s2 + sigmaMax * sigmaMax)) * s2 / (s2 + sigmaMin * sigmaMin));
}

}  // namespace

class TestKSamplers : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<sm::test::GoldenCase> m_case;

    const json& tolerance(const char* key) const { return m_case->json().at("tolerance").at(key); }
    double scheduleRel() const {
        return tolerance("schedule.*, kd.sigmas_table, kd.log_sigmas_table").at("max_abs_rel").get<double>();
    }
    double sigmaRel() const {
        return tolerance(
                   "kd.sigmas, kd.sigmas_100, kd.sigmas_50, kd.t, kd.c_in, kd.sigma_down, kd.sigma_up, "
                   "steps_*.sigma_down/up")
            .at("rel")
            .get<double>();
    }
    AbsRel stepTolerance() const { return absRel(tolerance("denoiser.*, cfg.*, steps_*")); }
    DiscreteSchedule goldenSchedule() const { return DiscreteSchedule(m_case->io("schedule.alphas_cumprod")); }

    // Runs three fixed-output Euler-ancestral steps of steps_first / steps_last and compares every x.
    void checkFixedSteps(const std::string& prefix) {
        const torch::Tensor sigmas = m_case->io(prefix + ".sigmas");
        const torch::Tensor denoised = m_case->io(prefix + ".denoised");
        const torch::Tensor noise = m_case->io(prefix + ".noise");
        const torch::Tensor xs = m_case->io(prefix + ".x");
        const int64_t steps = sigmas.size(0) - 1;
        QCOMPARE(denoised.size(0), steps);

        // The steps' σ pairs are the global table's entries at step_indices.
        const torch::Tensor indices = m_case->io(prefix + ".step_indices");
        const torch::Tensor all = m_case->io("kd.sigmas");
        for (int64_t k = 0; k < steps; ++k) {
            QCOMPARE(sigmas[k].item<float>(), all[indices[k].item<int64_t>()].item<float>());
        }

        for (int64_t k = 0; k < steps; ++k) {
            const AncestralStep a = getAncestralStep(sigmas[k], sigmas[k + 1]);
            SM_VERIFY_OK(
                checkRelative(prefix + ".sigma_down", m_case->io(prefix + ".sigma_down")[k], a.sigmaDown, sigmaRel()));
            SM_VERIFY_OK(
                checkRelative(prefix + ".sigma_up", m_case->io(prefix + ".sigma_up")[k], a.sigmaUp, sigmaRel()));
        }

        int64_t call = 0;
        bool inputsOk = true;
        Denoiser model = [&](const torch::Tensor& x, const torch::Tensor& sigma) {
            // The sampler must hand the current x and σ_k·ones(B) to the model.
            inputsOk = inputsOk && sm::test::compare(xs[call], x).maxAbs <= stepTolerance().maxAbs &&
                       sigma.sizes() == torch::IntArrayRef{x.size(0)} &&
                       sigma[0].item<float>() == sigmas[call].item<float>();
            return denoised[call++];
        };
        int64_t drawn = 0;
        EulerAncestralOptions options;
        options.noiseSampler = [&](const torch::Tensor&, const torch::Tensor&) { return noise[drawn++]; };
        std::vector<torch::Tensor> after;
        SamplerHooks hooks;
        hooks.onStep = [&](const StepInfo& info) {
            after.push_back(info.x);
            return StepAction::Continue;
        };
        at::Generator unused = makeCpuGenerator(0);
        const torch::Tensor out = sampleEulerAncestral(model, xs[0], sigmas, unused, options, hooks);
        QVERIFY(inputsOk);
        QCOMPARE(call, steps);
        // No noise after a step that ends at σ = 0 (steps_last's final step).
        const int64_t expectedDraws = (sigmas.slice(0, 1) > 0).sum().item<int64_t>();
        QCOMPARE(drawn, expectedDraws);
        QCOMPARE(static_cast<int64_t>(after.size()), steps);
        const AbsRel tol = stepTolerance();
        for (int64_t k = 0; k < steps; ++k) {
            SM_VERIFY_OK(checkCloseLogged(prefix + ".x[" + std::to_string(k + 1) + "]", xs[k + 1], after[k], tol.maxAbs,
                                          tol.relL2));
        }
        SM_VERIFY_OK(checkCloseLogged(prefix + ".out", xs[steps], out, tol.maxAbs, tol.relL2));
    }

private Q_SLOTS:
    void initTestCase() {
        if (sm::test::GoldenCase::exists(kCaseName)) {
            m_case = std::make_unique<sm::test::GoldenCase>(kCaseName);
        }
    }

    void init() { torch::manual_seed(0); }

    // ---- golden: euler_ancestral ------------------------------------------------------------------------------
    void sigmaTableMatchesCompVisDenoiser() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        const DiscreteSchedule schedule = goldenSchedule();
        SM_VERIFY_OK(checkRelative("kd.sigmas_table", m_case->io("kd.sigmas_table"), schedule.sigmas(), scheduleRel()));
        SM_VERIFY_OK(checkRelative("kd.log_sigmas_table", m_case->io("kd.log_sigmas_table"), schedule.logSigmas(),
                                   scheduleRel()));
        // The same table from our own ldm schedule (not the stored buffer).
        const json& params = m_case->json().at("reference").at("schedule").at("params");
        LdmScheduleConfig config;
        config.timesteps = params.at("timesteps").get<int64_t>();
        config.linearStart = params.at("linear_start").get<double>();
        config.linearEnd = params.at("linear_end").get<double>();
        const DiscreteSchedule own(ldmLinearSchedule(config).alphasCumprod);
        SM_VERIFY_OK(checkRelative("kd.sigmas_table (own schedule)", m_case->io("kd.sigmas_table"), own.sigmas(),
                                   scheduleRel()));
    }

    void getSigmasMatches() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        const DiscreteSchedule schedule = goldenSchedule();
        const int64_t n = m_case->io("kd.n_steps").item<int64_t>();
        SM_VERIFY_OK(checkRelative("kd.sigmas", m_case->io("kd.sigmas"), schedule.getSigmas(n), sigmaRel()));
        for (const char* name : {"kd.sigmas_100", "kd.sigmas_50"}) {
            const torch::Tensor ref = m_case->io(name);
            SM_VERIFY_OK(checkRelative(name, ref, schedule.getSigmas(ref.size(0) - 1), sigmaRel()));
        }
    }

    void timestepsAndScalingsMatch() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        const DiscreteSchedule schedule = goldenSchedule();
        const torch::Tensor sigmas = m_case->io("kd.sigmas");
        const torch::Tensor nonZero = sigmas.slice(0, 0, sigmas.size(0) - 1);
        SM_VERIFY_OK(checkRelative("kd.t", m_case->io("kd.t"), schedule.sigmaToT(nonZero), sigmaRel()));
        SM_VERIFY_OK(checkRelative("kd.c_in", m_case->io("kd.c_in"), DiscreteSchedule::cIn(nonZero), sigmaRel()));
        std::vector<torch::Tensor> down, up;
        for (int64_t i = 0; i < nonZero.size(0); ++i) {
            const AncestralStep step = getAncestralStep(sigmas[i], sigmas[i + 1], 1.0);
            down.push_back(step.sigmaDown);
            up.push_back(step.sigmaUp);
        }
        SM_VERIFY_OK(checkRelative("kd.sigma_down", m_case->io("kd.sigma_down"), torch::stack(down), sigmaRel()));
        SM_VERIFY_OK(checkRelative("kd.sigma_up", m_case->io("kd.sigma_up"), torch::stack(up), sigmaRel()));
    }

    void denoiserWrapperMatches() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        torch::Tensor seenInput, seenT;
        const torch::Tensor eps = m_case->io("denoiser.eps");
        const Denoiser denoiser = compVisDenoiser(
            [&](const torch::Tensor& scaledX, const torch::Tensor& t) {
                seenInput = scaledX;
                seenT = t;
                return eps;
            },
            goldenSchedule());
        const torch::Tensor out = denoiser(m_case->io("denoiser.x"), m_case->io("denoiser.sigma"));
        const AbsRel tol = stepTolerance();
        SM_VERIFY_OK(checkCloseLogged("denoiser.model_input", m_case->io("denoiser.model_input"), seenInput, tol.maxAbs,
                                      tol.relL2));
        SM_VERIFY_OK(checkRelative("denoiser.model_t", m_case->io("denoiser.model_t"), seenT, sigmaRel()));
        SM_VERIFY_OK(
            checkCloseLogged("denoiser.denoised", m_case->io("denoiser.denoised"), out, tol.maxAbs, tol.relL2));
    }

    void dualCfgMatchesDemo() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        const double textScale = m_case->json().at("scales").at("text_cfg").get<double>();
        const double imageScale = m_case->json().at("scales").at("image_cfg").get<double>();
        const AbsRel tol = stepTolerance();

        const DualCfgBatch batch = makeDualCfgBatch(
            m_case->io("cfg.z"), m_case->io("cfg.sigma"), m_case->io("cfg.cond_crossattn"),
            m_case->io("cfg.uncond_crossattn"), m_case->io("cfg.cond_concat"), m_case->io("cfg.uncond_concat"));
        SM_VERIFY_OK(sm::test::checkEqual("cfg.inner_z", m_case->io("cfg.inner_z"), batch.x));
        SM_VERIFY_OK(sm::test::checkEqual("cfg.inner_sigma", m_case->io("cfg.inner_sigma"), batch.sigma));
        SM_VERIFY_OK(sm::test::checkEqual("cfg.inner_crossattn", m_case->io("cfg.inner_crossattn"), batch.crossattn));
        SM_VERIFY_OK(sm::test::checkEqual("cfg.inner_concat", m_case->io("cfg.inner_concat"), batch.concat));

        // demo.py's output has no batch dim ([C, H, W]); ours keeps it ([1, C, H, W]).
        const torch::Tensor reference = m_case->io("cfg.out");
        const torch::Tensor inner = m_case->io("cfg.inner_out_cond_imgcond_uncond");
        const torch::Tensor combined = combineDualCfg(inner, textScale, imageScale);
        QCOMPARE(combined.dim(), reference.dim() + 1);
        SM_VERIFY_OK(checkCloseLogged("cfg.out", reference, combined.squeeze(0), tol.maxAbs, tol.relL2));

        // The same through the Denoiser wrapper, which must batch x and σ itself.
        torch::Tensor seenX, seenSigma;
        const Denoiser cfg = dualCfgDenoiser(
            [&](const torch::Tensor& x3, const torch::Tensor& sigma3) {
                seenX = x3;
                seenSigma = sigma3;
                return inner;
            },
            textScale, imageScale);
        const torch::Tensor viaDenoiser = cfg(m_case->io("cfg.z"), m_case->io("cfg.sigma"));
        SM_VERIFY_OK(sm::test::checkEqual("cfg.inner_z (wrapper)", m_case->io("cfg.inner_z"), seenX));
        SM_VERIFY_OK(sm::test::checkEqual("cfg.inner_sigma (wrapper)", m_case->io("cfg.inner_sigma"), seenSigma));
        SM_VERIFY_OK(checkCloseLogged("cfg.out (wrapper)", reference, viaDenoiser.squeeze(0), tol.maxAbs, tol.relL2));
    }

    void eulerAncestralFirstSteps() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        checkFixedSteps("steps_first");
    }

    void eulerAncestralLastSteps() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        checkFixedSteps("steps_last");
    }

    void toyLoopMatchesTrajectory() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        // case.json: toy apply_model(x_in, t) = 0.8·tanh(x_in) + 0.05·cos(t/100), noise at step i = toy.noise[i].
        const EpsModel toy = [](const torch::Tensor& xIn, const torch::Tensor& t) {
            return 0.8 * torch::tanh(xIn) + 0.05 * torch::cos(appendDims(t, xIn.dim()) / 100);
        };
        const torch::Tensor noise = m_case->io("toy.noise");
        const torch::Tensor trajectory = m_case->io("toy.trajectory");
        const torch::Tensor sigmas = m_case->io("kd.sigmas");
        QCOMPARE(trajectory.size(0), sigmas.size(0));
        int64_t drawn = 0;
        EulerAncestralOptions options;
        options.noiseSampler = [&](const torch::Tensor&, const torch::Tensor&) { return noise[drawn++]; };
        std::vector<torch::Tensor> xs{m_case->io("toy.x_T")};
        SamplerHooks hooks;
        hooks.onStep = [&](const StepInfo& info) {
            xs.push_back(info.x);
            return StepAction::Continue;
        };
        at::Generator unused = makeCpuGenerator(0);
        const torch::Tensor out =
            sampleEulerAncestral(compVisDenoiser(toy, goldenSchedule()), xs[0], sigmas, unused, options, hooks);
        QCOMPARE(drawn, sigmas.size(0) - 2);  // no noise on the final step to σ = 0
        const json& tol = tolerance("toy.trajectory");
        SM_VERIFY_OK(checkCloseLogged("toy.trajectory", trajectory, torch::stack(xs), tol.at("max_abs").get<double>(),
                                      tol.at("rel_l2").get<double>()));
        QVERIFY(torch::equal(out, xs.back()));
    }

    void cpuGeneratorReproducesTorchManualSeed() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        const torch::Tensor draws = m_case->io("rng.randn_draws");
        at::Generator generator = makeCpuGenerator(static_cast<uint64_t>(m_case->io("rng.seed").item<int64_t>()));
        const torch::Tensor like = torch::zeros_like(draws[0]);
        std::vector<torch::Tensor> ours;
        for (int64_t k = 0; k < draws.size(0); ++k) {
            ours.push_back(randnLike(like, generator));
        }
        SM_VERIFY_OK(sm::test::checkEqual("rng.randn_draws", draws, torch::stack(ours)));
        // randn(sizes) continues the same stream as randnLike.
        at::Generator again = makeCpuGenerator(static_cast<uint64_t>(m_case->io("rng.seed").item<int64_t>()));
        SM_VERIFY_OK(sm::test::checkEqual("rng.randn_draws[0] via randn", draws[0], randn(draws[0].sizes(), again)));
        if (!torch::cuda::is_available()) {
            QVERIFY_EXCEPTION_THROWN(makeCudaGenerator(1), sm::ArgumentError);
        }
    }

    void samplerDrawsAncestralNoiseFromGenerator() {
        if (!m_case) {
            QSKIP("golden case euler_ancestral not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode guard;
        // demo.py: manual_seed, z = randn_like(E)·σ0 (draw 0), then steps 0..2 draw the ancestral noise 1..3.
        const torch::Tensor draws = m_case->io("rng.randn_draws");
        const torch::Tensor sigmas = m_case->io("kd.sigmas").slice(0, 0, draws.size(0));
        const Denoiser model = [](const torch::Tensor& x, const torch::Tensor&) { return torch::tanh(x) * 0.5; };

        at::Generator generator = makeCpuGenerator(static_cast<uint64_t>(m_case->io("rng.seed").item<int64_t>()));
        const torch::Tensor z = randnLike(torch::zeros_like(draws[0]), generator) * sigmas[0];
        const torch::Tensor viaGenerator = sampleEulerAncestral(model, z, sigmas, generator);

        int64_t k = 1;
        EulerAncestralOptions fixed;
        fixed.noiseSampler = [&](const torch::Tensor&, const torch::Tensor&) { return draws[k++]; };
        at::Generator unused = makeCpuGenerator(0);
        const torch::Tensor viaDraws = sampleEulerAncestral(model, draws[0] * sigmas[0], sigmas, unused, fixed);
        QCOMPARE(k, draws.size(0));
        SM_VERIFY_OK(sm::test::checkEqual("sampler noise == rng draws 1..3", viaDraws, viaGenerator));
    }

    // ---- analytic ---------------------------------------------------------------------------------------------
    void karrasSigmasFollowFormula() {
        const DiscreteSchedule schedule(ldmLinearSchedule().alphasCumprod);
        const int64_t n = 12;
        const double rho = 7.0;
        const torch::Tensor sigmas = getSigmasKarras(n, schedule.sigmaMin(), schedule.sigmaMax(), rho);
        QCOMPARE(sigmas.size(0), n + 1);
        QCOMPARE(sigmas.scalar_type(), torch::kFloat32);
        QCOMPARE(sigmas[n].item<float>(), 0.0f);
        std::vector<double> expected;
        const double a = std::pow(schedule.sigmaMax(), 1 / rho);
        const double b = std::pow(schedule.sigmaMin(), 1 / rho);
        for (int64_t i = 0; i < n; ++i) {
            expected.push_back(std::pow(a + (static_cast<double>(i) / (n - 1)) * (b - a), rho));
        }
        SM_VERIFY_OK(checkRelative("karras", torch::tensor(expected, torch::kFloat64), sigmas.slice(0, 0, n), 2e-6));
        QVERIFY((sigmas.slice(0, 1) < sigmas.slice(0, 0, n)).all().item<bool>());
        QVERIFY_EXCEPTION_THROWN(getSigmasKarras(0, 0.1, 10), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(getSigmasKarras(5, 10, 0.1), sm::ArgumentError);
    }

    void sigmaToTInvertsTToSigma() {
        const DiscreteSchedule schedule(ldmLinearSchedule().alphasCumprod);
        const torch::Tensor t = torch::tensor({0.0f, 0.25f, 10.5f, 499.75f, 998.5f, 999.0f});
        SM_VERIFY_OK(checkCloseLogged("t round trip", t, schedule.sigmaToT(schedule.tToSigma(t)), 2e-3, 1e-5));
        const torch::Tensor quantized = schedule.sigmaToT(schedule.tToSigma(torch::tensor({10.4f, 10.6f})), true);
        QCOMPARE(quantized.scalar_type(), torch::kLong);
        QCOMPARE(quantized[0].item<int64_t>(), int64_t(10));
        QCOMPARE(quantized[1].item<int64_t>(), int64_t(11));
        QCOMPARE(schedule.allSigmas().size(0), schedule.size() + 1);
        QVERIFY_EXCEPTION_THROWN(schedule.tToSigma(torch::tensor({1000.0f})), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(schedule.getSigmas(0), sm::ArgumentError);
    }

    void eulerAndDpmppConvergeToOdeSolution() {
        torch::InferenceMode guard;
        const DiscreteSchedule schedule(ldmLinearSchedule().alphasCumprod);
        const torch::Tensor xT = torch::randn({2, 4, 8, 8}) * schedule.sigmaMax();
        const torch::Tensor exact = exactOdeEnd(xT, schedule.sigmaMax(), schedule.sigmaMin());
        at::Generator generator = makeCpuGenerator(7);
        auto error = [&](const torch::Tensor& x) { return sm::test::compare(exact, x).relL2; };

        const torch::Tensor sigmas10 = getSigmasKarras(10, schedule.sigmaMin(), schedule.sigmaMax());
        const torch::Tensor sigmas40 = getSigmasKarras(40, schedule.sigmaMin(), schedule.sigmaMax());
        const double euler10 = error(sampleEuler(gaussianDenoiser(), xT, sigmas10, generator));
        const double euler40 = error(sampleEuler(gaussianDenoiser(), xT, sigmas40, generator));
        const double dpm10 = error(sampleDpmpp2m(gaussianDenoiser(), xT, sigmas10, generator));
        const double dpm40 = error(sampleDpmpp2m(gaussianDenoiser(), xT, sigmas40, generator));
        qInfo("rel error: euler 10 %.3g, 40 %.3g; dpm++2m 10 %.3g, 40 %.3g", euler10, euler40, dpm10, dpm40);
        // Convergence orders: 4x the steps cut Euler's error ~4x (first order) and DPM++ 2M's ~16x (second order).
        QVERIFY(euler40 < euler10 / 3 && euler40 > euler10 / 6);
        QVERIFY(dpm40 < dpm10 / 10);
        QVERIFY(dpm10 < euler10 / 2.5);
        QVERIFY(dpm40 < euler40 / 8);
    }

    void eulerAncestralWithoutEtaIsEuler() {
        torch::InferenceMode guard;
        const DiscreteSchedule schedule(ldmLinearSchedule().alphasCumprod);
        const torch::Tensor sigmas = schedule.getSigmas(15);
        const torch::Tensor xT = torch::randn({1, 4, 6, 6}) * sigmas[0];
        at::Generator g1 = makeCpuGenerator(3);
        at::Generator g2 = makeCpuGenerator(3);
        EulerAncestralOptions noEta;
        noEta.eta = 0.0;
        const torch::Tensor ancestral = sampleEulerAncestral(gaussianDenoiser(), xT, sigmas, g1, noEta);
        const torch::Tensor euler = sampleEuler(gaussianDenoiser(), xT, sigmas, g2);
        SM_VERIFY_OK(checkCloseLogged("eta 0", euler, ancestral, 1e-6, 1e-7));
        // With eta 1 the noise matters: a different seed gives a different sample.
        at::Generator g3 = makeCpuGenerator(3);
        at::Generator g4 = makeCpuGenerator(4);
        const torch::Tensor a = sampleEulerAncestral(gaussianDenoiser(), xT, sigmas, g3);
        const torch::Tensor b = sampleEulerAncestral(gaussianDenoiser(), xT, sigmas, g4);
        QVERIFY(!torch::allclose(a, b));
    }

    void eulerDrawsNoiseEveryStepLikeUpstream() {
        torch::InferenceMode guard;
        const DiscreteSchedule schedule(ldmLinearSchedule().alphasCumprod);
        const torch::Tensor sigmas = schedule.getSigmas(6);
        const torch::Tensor xT = torch::randn({1, 4, 4, 4}) * sigmas[0];
        EulerOptions churn;
        churn.sChurn = 2.0;
        at::Generator g1 = makeCpuGenerator(11);
        const torch::Tensor first = sampleEuler(gaussianDenoiser(), xT, sigmas, g1, churn);
        at::Generator g2 = makeCpuGenerator(11);
        QVERIFY(torch::equal(first, sampleEuler(gaussianDenoiser(), xT, sigmas, g2, churn)));
        // 6 steps -> 6 draws: the next draw is the 7th of a fresh generator, churn or not.
        at::Generator fresh = makeCpuGenerator(11);
        for (int i = 0; i < 6; ++i) {
            randnLike(xT, fresh);
        }
        QVERIFY(torch::equal(randnLike(xT, g1), randnLike(xT, fresh)));
        // Churn changes the result compared with plain Euler.
        at::Generator g3 = makeCpuGenerator(11);
        QVERIFY(!torch::allclose(first, sampleEuler(gaussianDenoiser(), xT, sigmas, g3)));
    }

    void hooksReportStopAndCancel() {
        torch::InferenceMode guard;
        const DiscreteSchedule schedule(ldmLinearSchedule().alphasCumprod);
        const torch::Tensor sigmas = schedule.getSigmas(8);
        const torch::Tensor xT = torch::randn({1, 4, 4, 4}) * sigmas[0];
        at::Generator generator = makeCpuGenerator(1);

        // Reports carry index, total and σ; Stop after step 2 returns that step's x.
        int calls = 0;
        std::vector<int64_t> indices;
        torch::Tensor reported;
        SamplerHooks stopAt2;
        stopAt2.onStep = [&](const StepInfo& info) {
            indices.push_back(info.index);
            if (info.total != 8 || std::abs(info.sigma - sigmas[info.index].item<double>()) > 1e-6 ||
                info.timestep != -1 || info.denoised.sizes() != info.x.sizes()) {
                return StepAction::Cancel;
            }
            reported = info.x;
            return info.index == 2 ? StepAction::Stop : StepAction::Continue;
        };
        const torch::Tensor stopped = sampleDpmpp2m(gaussianDenoiser(&calls), xT, sigmas, generator, stopAt2);
        QCOMPARE(calls, 3);
        QCOMPARE(indices, (std::vector<int64_t>{0, 1, 2}));
        QVERIFY(torch::equal(stopped, reported));

        // A set flag cancels before the first model call.
        std::atomic<bool> cancel{true};
        SamplerHooks flagged;
        flagged.cancel = &cancel;
        calls = 0;
        QVERIFY_EXCEPTION_THROWN(sampleEulerAncestral(gaussianDenoiser(&calls), xT, sigmas, generator, {}, flagged),
                                 sm::CancelledError);
        QCOMPARE(calls, 0);

        // A flag raised from the callback (another thread in the app) stops before the next model call.
        cancel = false;
        flagged.onStep = [&](const StepInfo& info) {
            if (info.index == 1) {
                cancel = true;
            }
            return StepAction::Continue;
        };
        QVERIFY_EXCEPTION_THROWN(sampleEuler(gaussianDenoiser(&calls), xT, sigmas, generator, {}, flagged),
                                 sm::CancelledError);
        QCOMPARE(calls, 2);

        SamplerHooks cancelling;
        cancelling.onStep = [](const StepInfo&) { return StepAction::Cancel; };
        QVERIFY_EXCEPTION_THROWN(sampleEulerAncestral(gaussianDenoiser(), xT, sigmas, generator, {}, cancelling),
                                 sm::CancelledError);
    }

    void rejectsMalformedArguments() {
        at::Generator generator = makeCpuGenerator(0);
        const torch::Tensor x = torch::zeros({1, 4, 2, 2});
        QVERIFY_EXCEPTION_THROWN(sampleEuler(gaussianDenoiser(), x, torch::ones({2, 2}), generator), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(sampleEuler(gaussianDenoiser(), x, torch::ones({1}), generator), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(sampleDpmpp2m(gaussianDenoiser(), x, torch::tensor({1.0f, -1.0f}), generator),
                                 sm::ArgumentError);
        const DiscreteSchedule schedule(ldmLinearSchedule().alphasCumprod);
        const Denoiser wrapped =
            compVisDenoiser([](const torch::Tensor& xIn, const torch::Tensor&) { return xIn; }, schedule);
        QVERIFY_EXCEPTION_THROWN(wrapped(torch::zeros({2, 4, 2, 2}), torch::ones({3})), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(DiscreteSchedule(torch::ones({2, 3})), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(DiscreteSchedule(torch::tensor({0.5f, 0.0f})), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(combineDualCfg(torch::zeros({4, 2}), 7.5, 1.5), sm::ArgumentError);
        QVERIFY_EXCEPTION_THROWN(combineCfg(torch::zeros({3, 2}), 7.5), sm::ArgumentError);
    }

    void twoBranchCfgIsDiffusersFormula() {
        const torch::Tensor uncond = torch::randn({2, 4, 3, 5, 8});
        const torch::Tensor cond = torch::randn({2, 4, 3, 5, 8});
        const torch::Tensor out = combineCfg(torch::cat({uncond, cond}), 7.5);
        QVERIFY(torch::equal(out, uncond + 7.5 * (cond - uncond)));
        // Scale 1 is the conditional prediction (Cinemo's inversion runs without CFG).
        SM_VERIFY_OK(checkCloseLogged("scale 1", cond, combineCfg(torch::cat({uncond, cond}), 1.0), 1e-6, 1e-7));
    }
};

QTEST_GUILESS_MAIN(TestKSamplers)
#include "test_k_samplers.moc"
