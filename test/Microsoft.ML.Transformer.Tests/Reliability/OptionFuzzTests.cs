using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Attention;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.MLNet.Regression;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.MLNet.TokenIds;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Reliability;

/// <summary>
/// Every numeric option of every options class, through every catalog entry that takes it, set to hostile values
/// (NaN, ±∞, 0, -1, the type's extremes): each is refused at the catalog call by an <see cref="ArgumentException"/>
/// naming the option, or accepted; an accepted value then trains a tiny network one step (or fits the transform) and
/// scores finite numbers: every accepted value of a component's own options and, for the shared nested options
/// (model, tokenizer, training), every one through the classifier and a seeded sample of them through the others.
/// </summary>
[TestClass]
public sealed partial class OptionFuzzTests
{
    private static readonly object[] IntValues = [0, -1, int.MinValue, int.MaxValue];
    private static readonly object[] LongValues = [0L, -1L, long.MinValue, long.MaxValue];
    private static readonly object[] DoubleValues = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -1.0, 1e300, double.Epsilon];

    /// <summary>An options class reached from a component's options: how to get it (a fresh copy for records) and its type.</summary>
    private sealed record Part(string Name, Type Type, Func<object, object> Owner);

    /// <summary>A catalog entry: fresh tiny options, the call, and a tiny fit-and-score that must give finite numbers.</summary>
    private sealed record Component(string Name, Func<object> Fresh, Action<MLContext, object> Call, Action<MLContext, object> FitAndScore, Part[] Parts);

    /// <summary>Accepted values of the shared nested options fitted through each component other than the classifier.</summary>
    private const int SharedSample = 6;

    private static readonly HashSet<Type> Shared = [typeof(ModelOptions), typeof(TokenizerOptions), typeof(TrainingOptions)];

    private static IEnumerable<(PropertyInfo Property, object Value)> Cases(Type type)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetSetMethod() is not null))
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            object[] values = t == typeof(int) ? IntValues : t == typeof(long) ? LongValues : t == typeof(double) ? DoubleValues : [];
            foreach (var v in values) yield return (p, v);
        }
    }

    /// <summary>The numeric options of a type (what the fuzz must reach).</summary>
    internal static IEnumerable<string> NumericOptions(Type type) => Cases(type).Select(c => c.Property.Name).Distinct();

    private static object Set(Component c, Part part, PropertyInfo property, object value)
    {
        var options = c.Fresh();
        property.SetValue(part.Owner(options), value);
        return options;
    }

    [TestMethod]
    [DataRow("classifier")]
    [DataRow("regressor")]
    [DataRow("generator")]
    [DataRow("pretraining")]
    [DataRow("embeddings")]
    [DataRow("attention")]
    [DataRow("tagger")]
    [DataRow("question-answerer")]
    [DataRow("token-ids")]
    public void EveryNumericOptionIsRefusedNamingItOrWorks(string name)
    {
        var component = TinyComponents.All.Single(c => c.Name == name);
        var ml = new MLContext(1);
        int trials = 0, refused = 0, worked = 0, unfitted = 0;
        var failures = new List<string>();
        var sample = new Random(7);
        foreach (var part in component.Parts)
        {
            foreach (var (property, value) in Cases(part.Type))
            {
                trials++;
                string what = $"{part.Name}.{property.Name}={value}";
                var options = Set(component, part, property, value);
                try
                {
                    component.Call(ml, options);
                }
                catch (ArgumentException e) when (e.ParamName == property.Name || e.Message.Contains(property.Name, StringComparison.Ordinal))
                {
                    refused++;
                    continue;
                }
                catch (Exception e)
                {
                    failures.Add($"{what}: at the catalog call {e.GetType().Name}: {e.Message}");
                    continue;
                }
                if (name != "classifier" && Shared.Contains(part.Type) && sample.Next(60) >= SharedSample)
                {
                    unfitted++;
                    continue;
                }
                try
                {
                    component.FitAndScore(ml, Set(component, part, property, value));
                    worked++;
                }
                catch (Exception e)
                {
                    failures.Add($"{what}: accepted, then {e.GetType().Name}: {e.Message}");
                }
            }
        }
        Console.WriteLine($"{name}: trials={trials} refused={refused} accepted and working={worked} " +
            $"accepted (shared options, fitted through the classifier)={unfitted} failures={failures.Count}");
        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    [TestMethod]
    public void EveryOptionsClassIsFuzzedThroughSomeCatalog()
    {
        var reached = TinyComponents.All.SelectMany(c => c.Parts.Select(p => p.Type)).ToHashSet();
        var optionsClasses = typeof(ModelOptions).Assembly.GetExportedTypes().Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && !t.IsAbstract);
        foreach (var type in optionsClasses)
            if (NumericOptions(type).Any())
                Assert.Contains(type, reached, $"{type.Name} has numeric options but no catalog of the fuzz reaches it");
    }

    [TestMethod]
    public void NullNestedOptionsAreRefusedNamingTheOption()
    {
        var ml = new MLContext(1);
        foreach (var (component, names) in new[]
                 {
                     ("classifier", new[] { "Tokenizer", "Training" }), // a null Model is chosen from the data
                     ("regressor", ["Tokenizer", "Training"]),
                     ("generator", ["Model", "Tokenizer", "Training", "Decoding"]),
                     ("pretraining", ["Tokenizer", "Training"]),       // a null Model is the objective's default shape
                 })
        {
            var c = TinyComponents.All.Single(x => x.Name == component);
            foreach (string name in names)
            {
                var options = c.Fresh();
                options.GetType().GetProperty(name)!.SetValue(options, null);
                var e = Assert.Throws<ArgumentNullException>(() => c.Call(ml, options), $"{component}.{name}");
                Assert.AreEqual(name, e.ParamName, $"{component}.{name}");
            }
        }
    }

    [TestMethod]
    public void AnImpossibleVocabularySizeIsRefusedWithItsMaximum()
    {
        var options = (TextClassificationOptions)TinyComponents.All.Single(c => c.Name == "classifier").Fresh();
        options.Tokenizer = new TokenizerOptions { VocabularySize = int.MaxValue };
        var e = Assert.Throws<ArgumentException>(() => new MLContext(1).MulticlassClassification.Trainers.TransformerClassifier(options));
        Assert.AreEqual("VocabularySize", e.ParamName);
        StringAssert.Contains(e.Message, TokenizerOptions.MaxVocabularySize.ToString("N0", System.Globalization.CultureInfo.CurrentCulture));
    }
}
