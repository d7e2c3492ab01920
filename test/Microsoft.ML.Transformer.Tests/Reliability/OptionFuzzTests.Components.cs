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

/// <summary>The tiny catalog entries that <see cref="OptionFuzzTests"/> fuzzes.</summary>
public sealed partial class OptionFuzzTests
{
    /// <summary>The nine catalog entries with tiny options (byte tokens, width 8, one step) and their nested options classes.</summary>
    private static class TinyComponents
    {
        public static readonly Component[] All = [Classifier(), Regressor(), Generator(), Pretraining(), Embeddings(), Attention(), Tagger(), QuestionAnswerer(), TokenIds()];

        private static ModelOptions Tiny(int encoder, int decoder) => new()
        {
            VocabularySize = 1, ModelDimension = 8, Heads = 2, EncoderLayers = encoder, DecoderLayers = decoder, FeedForwardDimension = 16,
            MaxLength = 24, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        };

        private static TrainingOptions OneStep() => new() { Epochs = 1, MaxSteps = 1, BatchSize = 4, LogEveryNSteps = 1000 };

        private static TokenizerOptions Bytes() => new() { Kind = TokenizerKind.Bytes, MaxLength = 16 };

        /// <summary>A model's options are a record: the fuzz sets a fresh copy, so that no shared default is touched.</summary>
        private static Part ModelPart<T>(Func<T, ModelOptions?> get, Action<T, ModelOptions> set) => new("ModelOptions", typeof(ModelOptions), o =>
        {
            var copy = get((T)o)! with { };
            set((T)o, copy);
            return copy;
        });

        private static Part[] Nested<T>(Func<T, ModelOptions?> model, Action<T, ModelOptions> setModel, Func<T, TokenizerOptions> tokenizer,
            Func<T, TrainingOptions> training) =>
        [
            new(typeof(T).Name, typeof(T), o => o),
            ModelPart(model, setModel),
            new("TokenizerOptions", typeof(TokenizerOptions), o => tokenizer((T)o)),
            new("TrainingOptions", typeof(TrainingOptions), o => training((T)o)),
        ];

        private static readonly string[] Texts = ["my card is lost", "please close my account", "where is my refund", "the app is broken",
            "card declined again", "open a new account", "refund not received", "cannot log in"];

        private sealed class Labelled
        {
            public string Text { get; set; } = "";
            public string Second { get; set; } = "";
            public string Intent { get; set; } = "";
            public float Similarity { get; set; }
        }

        private static IDataView Rows(MLContext ml) => ml.Data.LoadFromEnumerable(Texts.Select((t, i) => new Labelled
        {
            Text = t, Second = Texts[(i + 3) % Texts.Length], Intent = i % 2 == 0 ? "a" : "b", Similarity = i % 3,
        }));

        /// <summary>Every float of every vector or scalar Single column the model adds, which must be finite.</summary>
        private static void Finite(IDataView scored, string component)
        {
            foreach (var column in scored.Schema.Where(c => !c.IsHidden))
            {
                if (column.Type is VectorDataViewType { ItemType: NumberDataViewType n } && n.RawType == typeof(float))
                {
                    foreach (var v in scored.GetColumn<float[]>(column))
                        Assert.IsTrue(v.All(float.IsFinite), $"{component}: column {column.Name} holds a non-finite value");
                }
                else if (column.Type == NumberDataViewType.Single)
                {
                    Assert.IsTrue(scored.GetColumn<float>(column).All(float.IsFinite), $"{component}: column {column.Name} holds a non-finite value");
                }
            }
        }

        private static Component Classifier()
        {
            static TextClassificationOptions Fresh() => new()
            {
                TextColumnName = "Text", LabelColumnName = "Label", Model = Tiny(1, 0), Tokenizer = Bytes(), Training = OneStep(), HeadDropout = 0,
                ValidationFraction = 0,
            };
            return new("classifier", Fresh,
                (ml, o) => ml.MulticlassClassification.Trainers.TransformerClassifier((TextClassificationOptions)o),
                (ml, o) =>
                {
                    var rows = Rows(ml);
                    var model = ml.Transforms.Conversion.MapValueToKey("Label", "Intent")
                        .Append(ml.MulticlassClassification.Trainers.TransformerClassifier((TextClassificationOptions)o)).Fit(rows);
                    Finite(model.Transform(rows), "classifier");
                },
                [.. Nested<TextClassificationOptions>(o => o.Model, (o, m) => o.Model = m, o => o.Tokenizer, o => o.Training),
                 new("NgramOptions", typeof(NgramOptions), o => ((TextClassificationOptions)o).Ngrams)]);
        }

        private sealed class Tagged
        {
            public string Text { get; set; } = "";
            public string[] Tags { get; set; } = [];
        }

        private static Component Tagger()
        {
            static EntityTaggingOptions Fresh() => new()
            {
                Model = Tiny(1, 0), Tokenizer = Bytes(), Training = OneStep(), HeadDropout = 0,
            };
            return new("tagger", Fresh,
                (ml, o) => ml.MulticlassClassification.Trainers.TransformerEntityTagger((EntityTaggingOptions)o),
                (ml, o) =>
                {
                    var rows = ml.Data.LoadFromEnumerable(Texts.Select(t => new Tagged
                    {
                        Text = t, Tags = EntityWords.Split(t).Select((_, i) => i == 0 ? "B-x" : "O").ToArray(),
                    }));
                    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Tagged.Tags))
                        .Append(ml.MulticlassClassification.Trainers.TransformerEntityTagger((EntityTaggingOptions)o));
                    Finite(pipeline.Fit(rows).Transform(rows), "tagger");
                },
                Nested<EntityTaggingOptions>(o => o.Model, (o, m) => o.Model = m, o => o.Tokenizer, o => o.Training));
        }

        private sealed class Answered
        {
            public string Context { get; set; } = "";
            public string Question { get; set; } = "";
            public string Answer { get; set; } = "";
            public int AnswerStart { get; set; }
        }

        private static Component QuestionAnswerer()
        {
            static QuestionAnsweringOptions Fresh() => new()
            {
                Model = Tiny(1, 0), Tokenizer = Bytes(), Training = OneStep(), HeadDropout = 0,
            };
            return new("question-answerer", Fresh,
                (ml, o) => ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer((QuestionAnsweringOptions)o),
                (ml, o) =>
                {
                    var rows = ml.Data.LoadFromEnumerable(Texts.Select(t => new Answered
                    {
                        Context = t, Question = "which word?", Answer = t.Split(' ')[1], AnswerStart = t.IndexOf(' ', StringComparison.Ordinal) + 1,
                    }));
                    Finite(ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer((QuestionAnsweringOptions)o).Fit(rows).Transform(rows), "question-answerer");
                },
                Nested<QuestionAnsweringOptions>(o => o.Model, (o, m) => o.Model = m, o => o.Tokenizer, o => o.Training));
        }

        private static Component Regressor()
        {
            static TextRegressionOptions Fresh() => new()
            {
                TextColumnName = "Text", SecondTextColumnName = "Second", LabelColumnName = "Similarity", Model = Tiny(1, 0), Tokenizer = Bytes(),
                Training = OneStep(), HeadDropout = 0,
            };
            return new("regressor", Fresh,
                (ml, o) => ml.Regression.Trainers.TransformerRegressor((TextRegressionOptions)o),
                (ml, o) =>
                {
                    var rows = Rows(ml);
                    Finite(ml.Regression.Trainers.TransformerRegressor((TextRegressionOptions)o).Fit(rows).Transform(rows), "regressor");
                },
                Nested<TextRegressionOptions>(o => o.Model, (o, m) => o.Model = m, o => o.Tokenizer, o => o.Training));
        }

        private static Component Generator()
        {
            static TextGenerationOptions Fresh() => new()
            {
                SourceColumnName = "Text", TargetColumnName = "Second", OutputColumnName = "Output", LogProbabilityColumnName = "LogProbability",
                Model = Tiny(1, 1), Tokenizer = Bytes(), Training = OneStep(), Decoding = new DecodingOptions { MaxNewTokens = 4, BeamWidth = 1 },
                ScoringBatchSize = 4,
            };
            var parts = Nested<TextGenerationOptions>(o => o.Model, (o, m) => o.Model = m, o => o.Tokenizer, o => o.Training).Append(
                new Part("DecodingOptions", typeof(DecodingOptions), o =>
                {
                    var g = (TextGenerationOptions)o;
                    g.Decoding = g.Decoding with { };
                    return g.Decoding;
                })).ToArray();
            return new("generator", Fresh,
                (ml, o) => ml.Transforms.Text.TransformerTextGenerator((TextGenerationOptions)o),
                (ml, o) =>
                {
                    var rows = Rows(ml);
                    Finite(ml.Transforms.Text.TransformerTextGenerator((TextGenerationOptions)o).Fit(rows).Transform(ml.Data.TakeRows(rows, 2)), "generator");
                },
                parts);
        }

        private static Component Pretraining()
        {
            static TextPretrainingOptions Fresh() => new()
            {
                TextColumnName = "Text", Model = Tiny(0, 1), Tokenizer = Bytes(), Training = OneStep(), ScoringBatchSize = 4,
            };
            return new("pretraining", Fresh,
                (ml, o) => ml.Transforms.Text.TransformerPretrainer((TextPretrainingOptions)o),
                (ml, o) =>
                {
                    var rows = Rows(ml);
                    Finite(ml.Transforms.Text.TransformerPretrainer((TextPretrainingOptions)o).Fit(rows).Transform(rows), "pretraining");
                },
                Nested<TextPretrainingOptions>(o => o.Model, (o, m) => o.Model = m, o => o.Tokenizer, o => o.Training));
        }

        private static readonly Lazy<ITransformer> BaseModel = new(() =>
        {
            var ml = new MLContext(1);
            return ml.Model.Load(Fixtures.SavedFixtures.Zip("classifier-multiclass"), out _);
        });

        private static Component Embeddings() => new("embeddings",
            () => new TextEmbeddingOptions { InputColumnName = "Text", OutputColumnName = "Embedding", BaseModel = BaseModel.Value, MaxLength = 16, ScoringBatchSize = 4 },
            (ml, o) => ml.Transforms.Text.TransformerEmbeddings((TextEmbeddingOptions)o),
            (ml, o) =>
            {
                var rows = Rows(ml);
                Finite(ml.Transforms.Text.TransformerEmbeddings((TextEmbeddingOptions)o).Fit(rows).Transform(rows), "embeddings");
            },
            [new("TextEmbeddingOptions", typeof(TextEmbeddingOptions), o => o)]);

        // The tokenisation step of ONNX serving reads an exported classifier's folder (tokenizer and settings only).
        private static readonly Lazy<string> ClassifierFolder = new(() =>
            Interop.TokenIdsTests.ClassifierFolder(new ClassifierSettings("Text", null, 16, TruncationSide.KeepHead, 8)));

        private static Component TokenIds() => new("token-ids",
            () => new TokenIdsOptions { ModelFolder = ClassifierFolder.Value, TextColumnName = "Text", ScoringBatchSize = 4 },
            (ml, o) => ml.Transforms.Text.TransformerTokenIds((TokenIdsOptions)o),
            (ml, o) =>
            {
                var rows = Rows(ml);
                var ids = ml.Transforms.Text.TransformerTokenIds((TokenIdsOptions)o).Fit(rows).Transform(rows).GetColumn<long[]>("input_ids").ToArray();
                Assert.IsTrue(ids.Length == Texts.Length && ids.All(v => v.Length > 0), "token-ids: every row has ids");
            },
            [new("TokenIdsOptions", typeof(TokenIdsOptions), o => o)]);

        private static Component Attention() => new("attention",
            () => new AttentionWeightsOptions { InputColumnName = "Text", OutputColumnName = "Attention", BaseModel = BaseModel.Value, MaxLength = 16, ScoringBatchSize = 4 },
            (ml, o) => ml.Transforms.Text.TransformerAttentionWeights((AttentionWeightsOptions)o),
            (ml, o) =>
            {
                var rows = Rows(ml);
                Finite(ml.Transforms.Text.TransformerAttentionWeights((AttentionWeightsOptions)o).Fit(rows).Transform(rows), "attention");
            },
            [new("AttentionWeightsOptions", typeof(AttentionWeightsOptions), o => o)]);
    }
}
