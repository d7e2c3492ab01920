using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.Samples.Data;

namespace Microsoft.ML.Transformer.Tests.QuestionAnswering;

/// <summary>Bad input to the question answerer fails with a managed exception naming the column (and row), what it expected and what it found.</summary>
[TestClass]
public sealed class QuestionAnswererErrorTests
{
    private static Exception FitFails(AnsweredQuestion[] rows, QuestionAnsweringOptions? options = null)
    {
        var ml = new MLContext(1);
        return Assert.Throws<Exception>(() => ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer(options ?? QaFixture.TinyOptions(1, 1))
            .Fit(ml.Data.LoadFromEnumerable(rows)));
    }

    [TestMethod]
    public void AnAnswerNotAtItsStartNamesTheColumnsAndTheRow()
    {
        var rows = RestaurantQuestions.Generate(10, seed: 1);
        rows[3].AnswerStart += 1;
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 3");
        StringAssert.Contains(e.Message, $"answer column 'Answer' holds \"{rows[3].Answer}\"");
        StringAssert.Contains(e.Message, "column 'AnswerStart'");
        StringAssert.Contains(e.Message, $"the answer is found at {rows[3].AnswerStart - 1}");
    }

    [TestMethod]
    public void AnAnswerThatIsNotInTheContextIsRefused()
    {
        var rows = RestaurantQuestions.Generate(10, seed: 1);
        rows[2].Answer = "Mongolian";
        rows[2].AnswerStart = 0;
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 2");
        StringAssert.Contains(e.Message, "the answer is not in the context");
    }

    [TestMethod]
    public void AStartOutsideTheContextIsRefused()
    {
        var rows = RestaurantQuestions.Generate(10, seed: 1);
        rows[5].AnswerStart = rows[5].Context.Length;
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 5");
        StringAssert.Contains(e.Message, $"answer start column 'AnswerStart' holds {rows[5].Context.Length}");
        StringAssert.Contains(e.Message, "context of column 'Context'");
    }

    [TestMethod]
    public void AnEmptyQuestionIsRefusedInTrainingAndInScoring()
    {
        var rows = RestaurantQuestions.Generate(10, seed: 1);
        rows[7].Question = " ";
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 7");
        StringAssert.Contains(e.Message, "question column 'Question' is empty");

        var t = QaFixture.Model;
        using var engine = t.Ml.Model.CreatePredictionEngine<AnsweredQuestion, QaFixture.Prediction>(t.Model);
        var s = Assert.Throws<InvalidOperationException>(() => engine.Predict(new AnsweredQuestion { Context = "Zizzi is in the harbour.", Question = "" }));
        StringAssert.Contains(s.Message, "Question column 'Question' is empty");
    }

    [TestMethod]
    public void AnEmptyAnswerIsRefused()
    {
        var rows = RestaurantQuestions.Generate(10, seed: 1);
        rows[1].Answer = "";
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 1");
        StringAssert.Contains(e.Message, "answer column 'Answer' is empty");
    }

    private sealed class TextStart
    {
        public string Context { get; set; } = "";
        public string Question { get; set; } = "";
        public string Answer { get; set; } = "";
        public string AnswerStart { get; set; } = "";
    }

    [TestMethod]
    public void MissingOrMistypedColumnsAreNamed()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextStart { Context = "Zizzi is in the harbour.", Question = "Where is Zizzi?", Answer = "harbour", AnswerStart = "16" } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer(QaFixture.TinyOptions(1, 1)).Fit(data));
        StringAssert.Contains(e.Message, "Answer start column 'AnswerStart'");
        StringAssert.Contains(e.Message, "found String");
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer(questionColumnName: "Query").Fit(data));
        StringAssert.Contains(missing.Message, "'Query' was not found");
    }

    [TestMethod]
    public void OptionsOutOfRangeAreRefusedByName()
    {
        var ml = new MLContext(1);
        foreach (var (set, name) in new (Action<QuestionAnsweringOptions>, string)[]
                 {
                     (o => o.TopK = 0, "TopK"), (o => o.MaxAnswerWords = 0, "MaxAnswerWords"), (o => o.Stride = -1, "Stride"),
                     (o => o.Tokenizer.MaxLength = 5, "Tokenizer.MaxLength"), (o => o.QuestionColumnName = " ", "QuestionColumnName"),
                 })
        {
            var options = QaFixture.TinyOptions(1, 1);
            set(options);
            var e = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer(options), name);
            StringAssert.Contains(e.Message, name);
        }
    }
}
