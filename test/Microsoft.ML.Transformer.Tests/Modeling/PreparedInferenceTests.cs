using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>
/// A model prepared for inference computes its products on weight copies laid out once (transposed, and cast to bfloat16
/// in that precision): it must give the logits of the same model reading its parameters at every product, up to float
/// rounding, and it must refuse what would make its copies stale.
/// </summary>
[TestClass]
public sealed class PreparedInferenceTests
{
    [TestMethod]
    [DataRow(2, false)]
    [DataRow(0, true)] // decoder-only with the output head tied to the embedding
    public void PreparedBFloat16DecodingEqualsCastingAtEveryProduct(int encoderLayers, bool tied)
    {
        using var scope = NewDisposeScope();
        var options = Options(encoderLayers) with { TieEmbeddings = tied };
        using var casting = Create(options);
        using var prepared = Create(options);
        casting.Precision = Precision.BFloat16;
        prepared.Precision = Precision.BFloat16;
        prepared.PrepareForInference();

        var target = Ids(3, 6, seed: 2);
        using var noGrad = no_grad();
        using var castingCache = StartThreeRows(casting, 6);
        using var preparedCache = StartThreeRows(prepared, 6);
        for (int t = 0; t < 6; t++)
        {
            var expected = casting.Step(target[.., t], castingCache);
            var actual = prepared.Step(target[.., t], preparedCache);
            // bf16 products round to 8 bits of mantissa: only the summation order differs, so the logits agree far
            // inside one bf16 step of the logits' size (~0.01 here); a stale or wrong copy would differ by far more.
            Assert.IsLessThan(2e-3, MaxDiff(expected, actual), $"step {t}");
            Assert.IsTrue(expected.argmax(-1).eq(actual.argmax(-1)).all().item<bool>(), $"step {t}: another greedy token");
        }
    }

    [TestMethod]
    public void PreparedFloat32ModelGivesTheSameOutputs()
    {
        using var scope = NewDisposeScope();
        using var plain = Create(Options());
        using var prepared = Create(Options());
        prepared.PrepareForInference();
        var padding = Padding(7, 7, 5);
        var ids = WithPads(Ids(2, 7, seed: 3), padding);
        using var noGrad = no_grad();
        Assert.IsLessThan(1e-5, MaxDiff(plain.forward(ids, padding, ids, padding), prepared.forward(ids, padding, ids, padding)));
    }

    [TestMethod]
    public void APreparedModelRefusesTrainingAndAnotherPrecision()
    {
        using var model = Create(Options());
        model.Precision = Precision.BFloat16;
        model.PrepareForInference();

        var training = Assert.ThrowsExactly<InvalidOperationException>(() => new TrainingLoop(model, new TrainingOptions()));
        StringAssert.Contains(training.Message, "prepared for inference");
        var precision = Assert.ThrowsExactly<InvalidOperationException>(() => model.Precision = Precision.Float32);
        StringAssert.Contains(precision.Message, "precision");
    }

    [TestMethod]
    public void AnInferenceCopySharesTheWeightsAndLeavesTheRandomGeneratorAlone()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        random.manual_seed(3);
        var expected = rand(5);
        random.manual_seed(3);
        using var copy = model.InferenceCopy(Precision.BFloat16);
        var drawn = rand(5);

        Assert.IsTrue(expected.allclose(drawn, 0, 0), "building the copy drew from the global generator");
        Assert.AreEqual(Precision.BFloat16, copy.Precision);
        Assert.AreEqual(Precision.Float32, model.Precision);
        Assert.IsTrue(copy.IsPreparedForInference);
        Assert.IsFalse(copy.training);
        var originals = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in copy.named_parameters())
        {
            using var noGrad = no_grad();
            originals[name].add_(1);                     // a write through one network shows in the other: one storage
            Assert.IsTrue(parameter.allclose(originals[name], 0, 0), name);
        }
    }
}

