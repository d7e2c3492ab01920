using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

[TestClass]
public sealed class ParameterTests
{
    [TestMethod]
    [DataRow(2, 2, false, PositionalEncoding.Sinusoidal)]
    [DataRow(2, 2, true, PositionalEncoding.Learned)]
    [DataRow(0, 2, true, PositionalEncoding.Learned)]
    [DataRow(2, 0, false, PositionalEncoding.Sinusoidal)]
    public void EveryParameterReceivesAGradient(int encoderLayers, int decoderLayers, bool tied, PositionalEncoding positions)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(encoderLayers, decoderLayers) with { TieEmbeddings = tied, PositionalEncoding = positions });
        model.train();
        var ids = Ids(2, 6, seed: 1);
        var padding = Padding(6, 6, 4);
        var hidden = decoderLayers == 0 ? model.Encode(ids, padding)
            : encoderLayers == 0 ? model.Decode(ids, null, null, padding)
            : model.Decode(ids, model.Encode(Ids(2, 5, seed: 2), null), null, padding);
        var logits = model.Logits(hidden);
        Assert.AreEqual(ScalarType.Float32, logits.dtype);
        nn.functional.cross_entropy(logits.reshape(-1, Vocabulary), Ids(2, 6, seed: 3).reshape(-1)).backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.IsNotNull(p.grad, name);
            Assert.IsGreaterThan(0.0, p.grad.abs().sum().item<float>(), name);
        }
    }

    [TestMethod]
    public void DropoutOnlyActsWhileTraining()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options() with { EmbeddingDropout = 0.2, AttentionDropout = 0.2, ResidualDropout = 0.2, FeedForwardDropout = 0.2 });
        var (source, target) = (Ids(2, 6, seed: 1), Ids(2, 5, seed: 2));
        var padding = Padding(6, 6, 4);
        Assert.AreEqual(0.0, MaxDiff(model.forward(source, padding, target, null), model.forward(source, padding, target, null)), "eval is deterministic");
        model.train();
        var first = model.forward(source, padding, target, null);
        Assert.IsGreaterThan(1e-4, MaxDiff(first, model.forward(source, padding, target, null)), "training drops at random");
        first.sum().backward();
        foreach (var (name, p) in model.named_parameters())
            Assert.IsTrue(p.grad!.isfinite().all().item<bool>(), name);
    }

    [TestMethod]
    public void ReferenceConfigurationHasThePeersParameterCount()
    {
        using var model = new TextNetwork(new ModelOptions { VocabularySize = 8000, NormPlacement = NormPlacement.PostNorm });
        // pytorch_reference.py (nn.Transformer, separate source/target embeddings, output Linear with bias): 11.68 M.
        Assert.AreEqual(11_682_624L, model.ParameterCount);
    }

    [TestMethod]
    public void OnlyWeightMatricesDecay()
    {
        using var model = Create(Options() with { PositionalEncoding = PositionalEncoding.Learned });
        var groups = model.ParameterGroups().ToList();
        Assert.HasCount(model.parameters().Count(), groups);
        foreach (var (name, p, decay) in groups)
        {
            bool expected = p.dim() == 2 && !name.Contains("embedding", StringComparison.OrdinalIgnoreCase)
                && !name.Contains("Positions", StringComparison.Ordinal);
            Assert.AreEqual(expected, decay, name);
        }
        Assert.IsTrue(groups.Any(g => g.Decay) && groups.Any(g => !g.Decay && g.Parameter.dim() == 2));
    }

    [TestMethod]
    public void FreezingStopsGradients()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options() with { TieEmbeddings = true });
        model.FreezeEmbeddings();
        model.FreezeLowestLayers(1);
        var frozen = model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.IsTrue(frozen.Any(n => n.StartsWith("embedding.", StringComparison.Ordinal)));
        Assert.IsTrue(frozen.Any(n => n.StartsWith("encoder.layers.0.", StringComparison.Ordinal)));
        Assert.IsTrue(frozen.Any(n => n.StartsWith("decoder.layers.0.", StringComparison.Ordinal)));
        Assert.IsFalse(frozen.Any(n => n.Contains("layers.1.", StringComparison.Ordinal)));
        model.forward(Ids(1, 4, seed: 1), null, Ids(1, 3, seed: 2), null).sum().backward();
        foreach (var (name, p) in model.named_parameters())
            Assert.AreEqual(p.requires_grad, p.grad is not null, name);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.FreezeLowestLayers(3));
        model.Unfreeze();
        Assert.IsTrue(model.parameters().All(p => p.requires_grad));
    }

    [TestMethod]
    public void ModelOutlivesTheScopeItWasBuiltIn()
    {
        TextNetwork model;
        using (NewDisposeScope())
            model = Create(Options());
        using (model)
        using (NewDisposeScope())
        {
            var logits = model.forward(Ids(1, 4, seed: 1), null, Ids(1, 3, seed: 2), null);
            Assert.IsTrue(logits.isfinite().all().item<bool>());
        }
    }

    [TestMethod]
    public void BFloat16KeepsFloat32MasterWeightsAndTracksFloat32()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        var source = Ids(2, 6, seed: 1);
        var target = Ids(2, 5, seed: 2);
        var reference = model.forward(source, null, target, null);
        model.Precision = Precision.BFloat16;
        model.train();
        var mixed = model.forward(source, null, target, null);
        Assert.AreEqual(ScalarType.Float32, mixed.dtype);
        Assert.IsLessThan(0.1, MaxDiff(reference, mixed), "bf16 logits stay near fp32 ones");
        mixed.sum().backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.AreEqual(ScalarType.Float32, p.dtype, name);
            Assert.AreEqual(ScalarType.Float32, p.grad!.dtype, name);
        }
    }
}
