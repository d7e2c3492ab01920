using Microsoft.ML.Transformer.Samples.Data;

namespace Microsoft.ML.Transformer.Tests.QuestionAnswering;

/// <summary>The derivation of questions and answer spans from a meaning representation, on sentences written here.</summary>
[TestClass]
public sealed class E2eQuestionsTests
{
    [TestMethod]
    public void EachSlotFoundVerbatimGivesAQuestionAnsweredAtItsFirstPlace()
    {
        const string reference = "The Mill serves indian food near Loch Fyne; diners rate the mill 5 out of 5 and bring children.";
        var rows = E2eQuestions.Ask("name[The Mill], food[Indian], customer rating[5 out of 5], near[Loch Fyne], familyFriendly[yes]", reference).ToArray();
        string Show(AnsweredQuestion q) => $"{q.Question} -> {q.Answer} @{q.AnswerStart}";
        CollectionAssert.AreEqual(new[]
        {
            "What is the place called? -> The Mill @0",
            "What food does The Mill serve? -> indian @16",
            "What is The Mill near? -> Loch Fyne @33",
            "How do customers rate The Mill? -> 5 out of 5 @65",
        }, rows.Select(Show).ToArray());
        Assert.IsTrue(rows.All(r => r.Context == reference && reference.Substring(r.AnswerStart, r.Answer.Length) == r.Answer));
    }

    [TestMethod]
    public void AmbiguousOrParaphrasedSlotsAskNothing()
    {
        Assert.IsEmpty(E2eQuestions.Ask("priceRange[high], customer rating[high]", "It is high in price and high in rating.").ToArray());
        Assert.IsEmpty(E2eQuestions.Ask("name[Aromi], area[riverside]", "Aromiland is by the riversides.").ToArray());
    }
}
