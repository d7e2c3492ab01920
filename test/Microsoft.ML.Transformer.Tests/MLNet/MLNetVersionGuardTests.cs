using Microsoft.ML.Transformer.MLNet;

namespace Microsoft.ML.Transformer.Tests.MLNet;

/// <summary>The Microsoft.ML version check that every catalog entry point and model loader makes at first use.</summary>
[TestClass]
public sealed class MLNetVersionGuardTests
{
    private const string Range = "[6.0.0, 6.1.0)";

    [TestMethod]
    public void VersionsInsideTheRangePass()
    {
        Assert.IsNull(MLNetVersionGuard.Problem(Range, ("Microsoft.ML.Data", "6.0.0+6eff5ccedce81728c927bfa0155284aadd38531d"), ("Microsoft.ML.Core", "6.0.0")));
        Assert.IsNull(MLNetVersionGuard.Problem(Range, ("Microsoft.ML.Data", "6.0.3+abc")));
        Assert.IsNull(MLNetVersionGuard.Problem(Range, ("Microsoft.ML.Data", "6.0.99-preview.1")));
    }

    [TestMethod]
    [DataRow("5.0.1+a4f730ec0c9106c2c9ef9e1fa34011374115fb98", "version 5.0.1")]
    [DataRow("6.1.0", "version 6.1.0")]
    [DataRow("7.0.0-preview.2", "version 7.0.0")]
    [DataRow("not a version", "version not a version")]
    [DataRow(null, "without an informational version")]
    public void AnotherVersionIsNamedBesideTheRangeBuiltFor(string? loaded, string named)
    {
        string? message = MLNetVersionGuard.Problem(Range, ("Microsoft.ML.Core", "6.0.0"), ("Microsoft.ML.Data", loaded));
        Assert.IsNotNull(message);
        StringAssert.Contains(message, "built for Microsoft.ML [6.0.0, 6.1.0)");
        StringAssert.Contains(message, named + " of Microsoft.ML.Data");
        StringAssert.Contains(message, "reference Microsoft.ML 6.0.0 or a later version below 6.1.0");
    }

    [TestMethod]
    public void AMalformedRangeIsRejected() =>
        Assert.Throws<FormatException>(() => MLNetVersionGuard.Problem("6.0.0", ("Microsoft.ML.Data", "6.0.0")));

    [TestMethod]
    public void ThisProcessRunsTheMicrosoftMLTheLibraryWasBuiltFor()
    {
        // The range compiled into the library is the package's dependency range, and the loaded Microsoft.ML is in it.
        Assert.AreEqual(Range, MLNetVersionGuard.Supported);
        MLNetVersionGuard.EnsureSupported();
        Assert.IsNotNull(MLNetVersionGuard.Environment(new MLContext().Transforms.Text));
    }
}
