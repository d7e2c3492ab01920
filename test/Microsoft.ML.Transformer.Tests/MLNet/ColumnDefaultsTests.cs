using System.Reflection;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Attention;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.MLNet.Regression;

namespace Microsoft.ML.Transformer.Tests.MLNet;

/// <summary>The default column names keep their values, and options, catalog methods and evaluators all take them from one place.</summary>
[TestClass]
public sealed class ColumnDefaultsTests
{
    [TestMethod]
    public void TheDefaultColumnNamesKeepTheirValues()
    {
        // Users' pipelines and saved zips name these columns: a change here is a breaking change.
        Assert.AreEqual(("Text", "Label", "Source", "Target", "Generated"),
            (ColumnDefaults.Text, ColumnDefaults.Label, ColumnDefaults.Source, ColumnDefaults.Target, ColumnDefaults.Generated));
        Assert.AreEqual(("Context", "Question", "Answer", "AnswerStart"),
            (ColumnDefaults.Context, ColumnDefaults.Question, ColumnDefaults.Answer, ColumnDefaults.AnswerStart));
    }

    [TestMethod]
    public void TheOptionsDefaultToTheSharedColumnNames()
    {
        var regressor = new TextRegressionOptions();
        Assert.AreEqual((ColumnDefaults.Text, ColumnDefaults.Label), (regressor.TextColumnName, regressor.LabelColumnName));
        var answerer = new QuestionAnsweringOptions();
        Assert.AreEqual((ColumnDefaults.Context, ColumnDefaults.Question, ColumnDefaults.Answer, ColumnDefaults.AnswerStart),
            (answerer.TextColumnName, answerer.QuestionColumnName, answerer.LabelColumnName, answerer.AnswerStartColumnName));
        var generator = new TextGenerationOptions();
        Assert.AreEqual((ColumnDefaults.Source, ColumnDefaults.Target, ColumnDefaults.Generated),
            (generator.SourceColumnName, generator.TargetColumnName, generator.OutputColumnName));
        Assert.AreEqual(ColumnDefaults.Text, new TextPretrainingOptions().TextColumnName);
        Assert.AreEqual(ColumnDefaults.Text, new TextEmbeddingOptions().InputColumnName);
        Assert.AreEqual(ColumnDefaults.Text, new AttentionWeightsOptions().InputColumnName);
    }

    [TestMethod]
    public void TheCatalogMethodsAndEvaluatorsDefaultToTheSharedColumnNames()
    {
        // Every optional column-name parameter whose default is one of ColumnDefaults' names must use that name for the
        // role the parameter names (a label parameter defaults to Label, a context parameter to Context...).
        var expected = new Dictionary<string, string>
        {
            ["textColumnName"] = ColumnDefaults.Text, ["labelColumnName"] = ColumnDefaults.Label,
            ["sourceColumnName"] = ColumnDefaults.Source, ["targetColumnName"] = ColumnDefaults.Target,
            ["referenceColumnName"] = ColumnDefaults.Target, ["outputColumnName"] = ColumnDefaults.Generated,
            ["generatedColumnName"] = ColumnDefaults.Generated, ["contextColumnName"] = ColumnDefaults.Context,
            ["questionColumnName"] = ColumnDefaults.Question, ["answerColumnName"] = ColumnDefaults.Answer,
            ["answerStartColumnName"] = ColumnDefaults.AnswerStart,
        };
        Type[] types = [typeof(ClassifierCatalog), typeof(RegressorCatalog), typeof(EntityTaggerCatalog), typeof(QuestionAnswererCatalog),
            typeof(PretrainingCatalog), typeof(TextGenerationCatalogExtensions), typeof(TextGenerationCatalog),
            typeof(CorrelationMetrics), typeof(EntityMetrics), typeof(QuestionAnsweringMetrics)];
        int checkedParameters = 0;
        foreach (var method in types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)))
            foreach (var parameter in method.GetParameters().Where(p => p.HasDefaultValue && expected.ContainsKey(p.Name!)))
            {
                Assert.AreEqual(expected[parameter.Name!], parameter.DefaultValue, $"{method.DeclaringType!.Name}.{method.Name}({parameter.Name})");
                checkedParameters++;
            }
        Assert.IsGreaterThanOrEqualTo(20, checkedParameters, "the catalog methods and evaluators were found");
    }
}
